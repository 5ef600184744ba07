"""Dates: ISO strings in, ISO strings out; "today" can be fixed with SYNTHGOV_TODAY."""

from __future__ import annotations

import datetime as _dt
import os

TODAY_ENV = "SYNTHGOV_TODAY"


def today(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    fixed = env.get(TODAY_ENV, "").strip()
    if fixed:
        if parse_date(fixed) is None:
            raise ValueError(f"{TODAY_ENV}={fixed!r} is not a date (use YYYY-MM-DD)")
        return fixed[:10]
    return _dt.datetime.now(_dt.UTC).date().isoformat()


def parse_date(value: object) -> _dt.date | None:
    """A date from an ISO 8601 date or date-time string, else None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return _dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def days_between(start: str, end: str) -> int | None:
    a, b = parse_date(start), parse_date(end)
    if a is None or b is None:
        return None
    return (b - a).days
