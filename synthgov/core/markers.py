"""The pluggy markers of the ``synthgov`` project."""

from __future__ import annotations

import pluggy

PROJECT = "synthgov"
hookimpl = pluggy.HookimplMarker(PROJECT)
hookspec = pluggy.HookspecMarker(PROJECT)
