"""The process entry point of the ``synthgov`` console script and ``python -m synthgov``.

Settings that only the owner of the process may make, all for start-up (every pre-commit
call is a fresh process):

* the cyclic garbage collector's youngest generation is collected every 100,000 container
  allocations instead of every 700: start-up allocates tens of thousands of long-lived
  objects (modules, classes, functions) and almost no cycles, and each young collection
  walks every young object (about 7 ms for 20,000 here). A one-card check then runs no
  collection at all; a large run collects as before, just less often, holding at most
  100,000 young objects of garbage (a few MB) for a while;
* the dataclasses it builds reuse the methods compiled by an earlier run
  (:mod:`synthgov.repo.codecache`, like ``.pyc`` files for generated source: about 15 ms);
* PyYAML's regular expressions are compiled when first used instead of when it is
  imported (:func:`import_yaml_lazily`: 5 ms, most of it for the pure-Python reader's
  printable-character class, which libyaml's parser never uses);
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
from typing import Any

GC_THRESHOLD = (100_000, 10, 10)


def run() -> None:
    import atexit  # start-up: only the console script needs it (not library users)

    gc.set_threshold(*GC_THRESHOLD)
    count = getattr(atexit, "_ncallbacks", None)  # CPython; elsewhere: the normal exit
    handlers_before = count() if count else -1
    from synthgov.repo.codecache import install  # before any dataclass is built

    save_compiled = install()
    import_yaml_lazily()
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


def import_yaml_lazily() -> None:
    """When PyYAML is imported (not before: ``--version`` never imports it), the regular
    expressions its modules compile at import time (the reader's, the resolver's, the
    constructor's) stand in as :class:`~synthgov.core.lazyre.LazyRegex`, compiled on
    first use. Only calls made from PyYAML's own modules are deferred, and only while its
    package is being imported. A PyYAML already imported is left as it is."""
    if "yaml" not in sys.modules:
        sys.meta_path.insert(0, _DeferYamlRegexes())


class _DeferYamlRegexes:
    """A finder that answers for ``yaml`` once, wrapping its loader (see above)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "yaml":
            return None
        from importlib.machinery import PathFinder

        sys.meta_path.remove(self)
        spec = PathFinder.find_spec(name, path)
        loader = getattr(spec, "loader", None)
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        execute = loader.exec_module

        def exec_module(module: Any) -> None:
            import re

            from synthgov.core.lazyre import LazyRegex

            real = re.compile

            def deferred(pattern: Any, flags: Any = 0) -> Any:
                caller = sys._getframe(1).f_globals.get("__name__", "")
                if caller == "yaml" or caller.startswith("yaml."):
                    return LazyRegex(pattern, flags)
                return real(pattern, flags)

            re.compile = deferred
            try:
                execute(module)
            finally:
                re.compile = real

        loader.exec_module = exec_module
        return spec
