"""Registers the built-in rules through the public hook, like any plugin."""

from __future__ import annotations

from typing import Any

from synthgov.core.markers import hookimpl


@hookimpl
def synthgov_register_rules() -> list[Any]:
    from synthgov.rules import (
        diffmode,
        diversity,
        governance,
        provenance,
        structure,
        suspected,
        validation,
        verification,
    )

    return [
        *structure.RULES,
        *provenance.RULES,
        *suspected.RULES,
        *diversity.RULES,
        *validation.RULES,
        *governance.RULES,
        *diffmode.RULES,
        *verification.RULES,
    ]
