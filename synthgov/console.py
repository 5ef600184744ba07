"""The process entry point of the ``synthgov`` console script and ``python -m synthgov``.

Two settings that only the owner of the process may make, both for start-up (every
pre-commit call is a fresh process):

* the cyclic garbage collector runs every 20,000 allocations instead of every 700 while the
  run imports its modules and reads the documents (they hold no reference cycles worth
  collecting early); about 5 % of a one-card check;
* the process ends with ``os._exit`` once the standard streams are flushed, skipping the
  interpreter's teardown (freeing every module and object: about 20 ms, 15 % of a one-card
  check). Nothing needs it: reports and baselines are written atomically and closed, the
  cache commits its transactions. The normal exit is kept when something may still need it:
  worker processes (multiprocessing was imported) or an ``atexit`` handler registered during
  the run (a plugin, logging).

Library users import :mod:`synthgov.cli` or the modules they need; none of this applies.
"""

from __future__ import annotations

import gc
import os
import sys

GC_THRESHOLD = (20_000, 10, 10)


def run() -> None:
    import atexit

    gc.set_threshold(*GC_THRESHOLD)
    count = getattr(atexit, "_ncallbacks", None)  # CPython; elsewhere: the normal exit
    handlers_before = count() if count else -1
    from synthgov.cli import EXIT_OK, main

    try:
        main()
        code = EXIT_OK
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            raise
        code = exc.code or EXIT_OK
    if count is None or "multiprocessing" in sys.modules or count() != handlers_before:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        sys.exit(code)
    os._exit(code)
