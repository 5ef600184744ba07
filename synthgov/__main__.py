from __future__ import annotations

from synthgov.cli.console import run

if __name__ == "__main__":  # pragma: no cover
    run()
