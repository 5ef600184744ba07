"""synthgov: policy-as-code for AI-generated data.

Import-light on purpose: every pre-commit call pays for start-up, so importing this package
imports nothing else. Plugins use ``synthgov.hookimpl`` (created on first access) to
implement the hooks of :mod:`synthgov.core.hookspecs`.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
PROJECT = "synthgov"

__all__ = ["PROJECT", "__version__", "hookimpl", "hookspec"]


def __getattr__(name: str) -> Any:
    if name in ("hookimpl", "hookspec"):
        from synthgov.core import markers

        return getattr(markers, name)
    raise AttributeError(f"module 'synthgov' has no attribute {name!r}")
