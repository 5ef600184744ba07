"""Regular expressions compiled on first use.

``re.compile`` costs 0.1-0.5 ms per expression in a fresh process (the parser is pure
Python), and every pre-commit call is a fresh process: an adapter's two dozen expressions
would be paid on every run, including the runs that never see the format it reads. A
:class:`LazyRegex` stands in for the compiled pattern at module level and compiles when a
method is first looked up; after that the bound method sits in the instance dictionary, so
later calls cost what calls on the compiled pattern cost.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, Generic


class LazyRegex(Generic[AnyStr]):
    """``LazyRegex(pattern, flags)`` behaves like ``re.compile(pattern, flags)``."""

    def __init__(self, pattern: AnyStr, flags: int = 0) -> None:
        self._source: tuple[AnyStr, int] = (pattern, flags)

    def compiled(self) -> re.Pattern[AnyStr]:
        found = self.__dict__.get("_compiled")
        if found is None:
            found = self.__dict__["_compiled"] = re.compile(*self._source)
        return found

    def __getattr__(self, name: str) -> Any:
        # only for names not found normally: search, match, sub, pattern...
        value = getattr(self.compiled(), name)
        self.__dict__[name] = value
        return value

    def __repr__(self) -> str:
        return f"LazyRegex({self._source[0]!r})"
