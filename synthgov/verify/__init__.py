"""Data verification (issue 16): measure the data files a card names and compare the
measurements with what the card declares.

Layout: :mod:`.model` (frozen data), :mod:`.engine` (the engine interface), :mod:`.sql`
(the SQL text of every measure, shared by engines), :mod:`.duckdb_engine` (the default
engine), :mod:`.inputs` (which files a card names), :mod:`.cache` (per-file measurement
cache), :mod:`.measure` (a run: cards -> dataset measures), :mod:`.compare` (claims vs
measurements -> verified / mismatch / unverified), :mod:`.profile` (``--profile`` JSON).
Nothing here is imported at start-up; DuckDB is imported only by the DuckDB engine.
"""
