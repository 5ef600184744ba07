"""Data files shipped with synthgov (model registry)."""
