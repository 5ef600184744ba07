"""Registers the built-in loaders through the public hook."""

from __future__ import annotations

from typing import Any

from synthgov.markers import hookimpl


@hookimpl
def synthgov_register_loaders() -> list[Any]:
    from synthgov.loaders.native import NativeLoader

    return [NativeLoader()]
