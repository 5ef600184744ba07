"""One run of a command: options, loading, caches, the repository index, diff scope,
baseline, fixes, and the other commands' work (init, test, explain, report inputs)."""
