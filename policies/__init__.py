"""Built-in policy packs (YAML), shipped inside the wheel as synthgov.policies."""
