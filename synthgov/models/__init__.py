"""The model registry's parts: id parsing (:mod:`.ids`) and ``match`` patterns
(:mod:`.patterns`). The registry itself is :mod:`synthgov.models.registry`."""
