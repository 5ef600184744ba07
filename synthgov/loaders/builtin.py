"""Registers the built-in loaders through the public hook."""

from __future__ import annotations

from typing import Any

from synthgov.core.markers import hookimpl


@hookimpl
def synthgov_register_loaders() -> list[Any]:
    from synthgov.loaders.croissant import CroissantLoader
    from synthgov.loaders.datadreamer import DataDreamerLoader
    from synthgov.loaders.distilabel import DistilabelLoader
    from synthgov.loaders.dvc import DvcLoader
    from synthgov.loaders.huggingface import HuggingFaceCardLoader
    from synthgov.loaders.native import NativeLoader

    # order matters: the first loader whose sniff claims a file loads it
    return [
        NativeLoader(),
        HuggingFaceCardLoader(),
        DataDreamerLoader(),
        CroissantLoader(),
        DistilabelLoader(),
        DvcLoader(),
    ]
