"""The lineage graph of a run: its parts (:mod:`.types`), the edges documents declare
(:mod:`.declared`), the graph and its queries (:mod:`.graph`), what a drawing keeps
(:mod:`.focus`), roles in it (:mod:`.roles`), whether a dataset is synthetic
(:mod:`.synthetic`), and its renderings (:mod:`.render`, on :mod:`.layout`: :mod:`.mermaid`,
:mod:`.dot`, JSON)."""
