"""The model registry (:mod:`.registry`: lookup and resolution) and its parts: data types
(:mod:`.types`), reading ``models.yaml`` and config entries (:mod:`.loading`), id parsing
(:mod:`.ids`), ``match`` patterns (:mod:`.patterns`), and ``synthgov models`` (:mod:`.describe`)."""
