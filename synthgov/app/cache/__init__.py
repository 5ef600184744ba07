"""The result and parse caches: a re-run with nothing changed serves its findings without
reading a card; a run after a change re-parses only what changed (see :mod:`.runcache`)."""
