"""The repository: which files to read, confined file access, git without its side doors,
snapshots, and the YAML/JSON parsers that keep positions (:mod:`.parsing`)."""
