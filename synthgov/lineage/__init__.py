"""The lineage graph of a run: its parts, who generates, judges and trains on what, its
renderings, and whether a dataset is synthetic."""
