"""The bottom layer: the data types, errors and small helpers every other layer uses. No I/O."""
