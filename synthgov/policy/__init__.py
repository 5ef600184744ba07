"""Configuration and policies: finding, validating, resolving and merging them; custom
rules; the JSON-schema checks they use."""
