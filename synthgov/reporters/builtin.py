"""Registers the built-in output formats through the public hook.

Each format is a lazy reference, so choosing ``text`` never imports the SARIF code.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from synthgov.core.markers import hookimpl


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class LazyReporter:
    """A built-in output format, imported when it is used."""

    module: str
    attr: str = "render"

    def __call__(self, report: Any) -> str:
        return getattr(importlib.import_module(self.module), self.attr)(report)


BUILTIN_FORMATS = {
    "text": "synthgov.reporters.text",
    "json": "synthgov.reporters.jsonfmt",
    "sarif": "synthgov.reporters.sarif",
    "junit": "synthgov.reporters.junit",
    "github": "synthgov.reporters.github",
    "markdown": "synthgov.reporters.markdown",
    "html": "synthgov.reporters.html",
}


@hookimpl
def synthgov_register_reporters() -> dict[str, Any]:
    return {name: LazyReporter(module) for name, module in BUILTIN_FORMATS.items()}
