"""Acme's synthgov plugin (an example of a third-party plugin package)."""

from __future__ import annotations

__version__ = "0.2.0"
