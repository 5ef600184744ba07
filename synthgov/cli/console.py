"""The process entry point of the ``synthgov`` console script and ``python -m synthgov``.

Three settings that only the owner of the process may make, both for start-up (every
pre-commit call is a fresh process):

* the cyclic garbage collector's youngest generation is collected every 100,000 container
  allocations instead of every 700: start-up allocates tens of thousands of long-lived
  objects (modules, classes, functions) and almost no cycles, and each young collection
  walks every young object (about 7 ms for 20,000 here). A one-card check then runs no
  collection at all; a large run collects as before, just less often, holding at most
  100,000 young objects of garbage (a few MB) for a while;
* the dataclasses it builds reuse the methods compiled by an earlier run
  (:mod:`synthgov.repo.codecache`, like ``.pyc`` files for generated source: about 15 ms);
* the process ends with ``os._exit`` once the standard streams are flushed, skipping the
  interpreter's teardown (freeing every module and object: about 20 ms, 15 % of a one-card
  check). Nothing needs it: reports and baselines are written atomically and closed, the
  cache commits its transactions. The normal exit is kept when something may still need it:
  worker processes (multiprocessing was imported) or an ``atexit`` handler registered during
  the run (a plugin, logging).

Library users import :mod:`synthgov.cli.main` or the modules they need; none of this applies.
"""

from __future__ import annotations

import gc
import os
import sys

GC_THRESHOLD = (100_000, 10, 10)


def run() -> None:
    import atexit  # start-up: only the console script needs it (not library users)

    gc.set_threshold(*GC_THRESHOLD)
    count = getattr(atexit, "_ncallbacks", None)  # CPython; elsewhere: the normal exit
    handlers_before = count() if count else -1
    from synthgov.repo.codecache import install  # before any dataclass is built

    save_compiled = install()
    from synthgov.cli.main import EXIT_OK, main

    try:
        main(prog_name="synthgov")  # also under python -m: usage, completion variable
        code = EXIT_OK
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            raise
        code = exc.code or EXIT_OK
    if save_compiled is not None:
        save_compiled()
    if count is None or "multiprocessing" in sys.modules or count() != handlers_before:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        sys.exit(code)
    os._exit(code)
