"""The repository index (issue 15): commit-time checks whose cost does not grow with the
repository (see :mod:`.plan`)."""
