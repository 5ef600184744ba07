"""File access for the rules of a cached run that records what they read, so that the run's
result is served again only while those files are unchanged (see
:mod:`synthgov.app.cache.runcache`)."""

from __future__ import annotations

import os
from typing import Any

from synthgov.app.cache.filestate import Signature, signature


class RecordingFiles:
    """File access for rules that remembers every path asked about, with its signature
    taken before the first read (see :mod:`synthgov.repo.files`)."""

    def __init__(
        self, inner: Any, deps: dict[str, Signature], outside: set[str] | None = None
    ) -> None:
        self._inner = inner
        self._deps = deps
        self._outside = outside if outside is not None else set()

    def _note(self, path: Any) -> None:
        if isinstance(path, str | os.PathLike):
            full = os.path.abspath(os.fspath(path))
            if full not in self._deps:
                self._deps[full] = signature(full)
                inside = getattr(self._inner, "inside", None)
                if inside is not None and not inside(full):
                    self._outside.add(full)  # its content is never read, not even here

    def info(self, path: str) -> Any:
        self._note(path)
        return self._inner.info(path)

    def sha256(self, path: str) -> str | None:
        self._note(path)
        return self._inner.sha256(path)

    def read_bytes(self, path: str, limit: int) -> bytes | None:
        self._note(path)
        return self._inner.read_bytes(path, limit)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def recorded(*args: Any, **kwargs: Any) -> Any:
            for value in (*args, *kwargs.values()):
                self._note(value)
            return attr(*args, **kwargs)

        return recorded
