"""The hook implementations: what this plugin registers with synthgov.

synthgov imports this module (the entry point ``acme`` of group ``synthgov``) when it builds
its plugin registry, and calls each ``synthgov_register_*`` function once. Keep imports of
anything heavy inside the functions: every synthgov run pays for the import of this module.
"""

from __future__ import annotations

import os
from typing import Any

from synthgov.core.markers import hookimpl
from synthgov_acme import __version__

__all__ = ["__version__"]  # shown by `synthgov plugins` when loaded through `plugins:`

PACK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "policies")


@hookimpl
def synthgov_register_rules() -> list[Any]:
    from synthgov_acme.rules import IntendedUseMissing

    return [IntendedUseMissing]


@hookimpl
def synthgov_register_loaders() -> list[Any]:
    from synthgov_acme.loader import DatasetSheetLoader

    return [DatasetSheetLoader()]


@hookimpl
def synthgov_register_reporters() -> dict[str, Any]:
    from synthgov_acme.reporter import render

    return {"acme-csv": render}


@hookimpl
def synthgov_register_policies() -> dict[str, Any]:
    # a bare name that configs can use: `policies: [acme-strict]`
    return {"acme-strict": os.path.join(PACK_DIR, "acme-strict.yaml")}


@hookimpl
def synthgov_register_models() -> dict[str, Any]:
    return {
        "models": [
            {
                "match": ["acme/house-lm-*"],
                "provider": "acme",
                "family": "acme-house",
                "derived_from": ["llama"],
                "note": "Acme's house model, fine-tuned from Llama 3.1",
            }
        ]
    }
