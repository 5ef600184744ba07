"""Registers the built-in rules through the public hook, like any plugin."""

from __future__ import annotations

from typing import Any

from synthgov.core.markers import hookimpl


@hookimpl
def synthgov_register_rules() -> list[Any]:
    from synthgov.rules import (
        diffmode,
        diversity,
        diversity_data,
        governance,
        provenance,
        provenance_files,
        provenance_terms,
        structure,
        suspected,
        validation,
        validation_stats,
        verification,
        verification_content,
    )

    return [
        *structure.RULES,
        *provenance.RULES,
        *provenance_files.RULES,
        *provenance_terms.RULES,
        *suspected.RULES,
        *diversity.RULES,
        *diversity_data.RULES,
        *validation.RULES,
        *validation_stats.RULES,
        *governance.RULES,
        *diffmode.RULES,
        *verification.RULES,
        *verification_content.RULES,
    ]
