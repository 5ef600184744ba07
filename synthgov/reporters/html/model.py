"""The audit report's content, computed from a report and its inputs; no I/O, no HTML.

:func:`build` turns a :class:`~synthgov.engine.report.Report` (findings, counts, the lineage graph)
and :class:`~synthgov.reporters.html.inputs.AuditInputs` (documents, commit, policies,
references, verification results) into an :class:`AuditView`: frozen records that
:mod:`synthgov.reporters.html.page` renders. Every value read from a document is checked for
its type first: a malformed card shows as "not recorded", never as an exception (its
problems are findings already).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from synthgov.core.types import DATASET_CARD, PIPELINE, Document, Finding, Severity
from synthgov.engine.report import Report
from synthgov.reporters.html.inputs import AuditInputs, MeasuredValue, ModelFacts, PolicySource

#: rule families by the hundreds digit of a built-in id (SPEC section 6)
FAMILIES = {
    "0": "structure",
    "1": "provenance",
    "2": "model diversity",
    "3": "validation coverage",
    "4": "governance",
}
NOT_RECORDED = "not recorded"
EU_PREFIX = "EU AI Act "
#: modality words a card's tags may carry, and file formats that imply one
MODALITY_TAGS = {
    "text": "text",
    "image": "image",
    "images": "image",
    "audio": "audio",
    "speech": "audio",
    "video": "video",
    "tabular": "tabular",
    "code": "code",
}
MODALITY_FORMATS = {
    "jsonl": "text",
    "json": "text",
    "txt": "text",
    "csv": "tabular",
    "tsv": "tabular",
    "parquet": "tabular",
    "png": "image",
    "jpg": "image",
    "jpeg": "image",
    "webp": "image",
    "wav": "audio",
    "mp3": "audio",
    "flac": "audio",
    "mp4": "video",
    "webm": "video",
}
_ANCHOR = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    link: str  # URL of the source line, "" when the repository URL is unknown
    anchor: str = ""  # id of the finding's entry in its dataset, pipeline or file list


@dataclass(frozen=True)
class GeneratorUse:
    model: str
    revision: str
    pinned: bool
    role: str
    rows: str
    prompt: str
    date: str
    lineage: str
    terms: str
    known: bool


@dataclass(frozen=True)
class Check:
    name: str
    tool: str
    coverage: str
    pass_rate: str
    date: str


@dataclass(frozen=True)
class ContaminationCheck:
    against: str
    method: str
    overlap: str
    date: str


@dataclass(frozen=True)
class Review:
    sample: int | None
    required: int | None
    population: str  # the N and where it came from
    reviewers: str
    agreement: str
    error_rate: str
    date: str

    @property
    def sufficient(self) -> bool | None:
        if self.sample is None or self.required is None:
            return None
        return self.sample >= self.required


@dataclass(frozen=True)
class Judge:
    model: str
    calibrated: bool
    labels: str
    agreement: str
    date: str


@dataclass(frozen=True)
class DatasetView:
    id: str
    anchor: str
    name: str
    path: str
    owner: str
    purpose: str
    synthetic: bool
    total_rows: str
    synthetic_rows: str
    generators: tuple[GeneratorUse, ...]
    sources: tuple[str, ...]
    checks: tuple[Check, ...]
    review: Review | None
    judge: Judge | None
    contamination: tuple[ContaminationCheck, ...]
    measured: tuple[MeasuredValue, ...]
    findings: tuple[FindingView, ...]
    heading: str = ""  # the id, with the path when two cards share it


@dataclass(frozen=True)
class Stage:
    id: str
    type: str
    model: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class PipelineView:
    id: str
    anchor: str
    path: str
    owner: str
    primary: str
    base: str
    stages: tuple[Stage, ...]
    findings: tuple[FindingView, ...]
    heading: str = ""  # the id, with the path when two pipelines share it


@dataclass(frozen=True)
class WaiverView:
    document: str
    anchor: str
    path: str
    line: int
    rule: str
    reason: str
    expires: str
    status: str  # active | expired | invalid


@dataclass(frozen=True)
class RegulationGroup:
    reference: str
    rules: tuple[str, ...]  # rules that evidence it
    findings: tuple[FindingView, ...]


@dataclass(frozen=True)
class SyntheticGenerator:
    model: str
    known: bool
    lineage: str
    datasets: int


@dataclass(frozen=True)
class Modality:
    name: str
    datasets: int
    source: str  # "tags", "file formats"


@dataclass(frozen=True)
class TrainingSummary:
    """Section 2.5 (synthetic data) of the EU training content summary, from the cards."""

    training_datasets: int
    synthetic_training: int
    generators: tuple[SyntheticGenerator, ...]
    modalities: tuple[Modality, ...]
    unknown_modality: int


@dataclass(frozen=True)
class Overview:
    files: int
    documents: int
    errors: int
    warnings: int
    infos: int
    waived: int
    baselined: int
    datasets: int
    synthetic_datasets: int
    pipelines: int
    total_rows: int
    synthetic_rows: int
    by_family: tuple[tuple[str, int, int, int], ...]  # family, errors, warnings, infos
    by_lineage: tuple[tuple[str, int, int], ...]  # lineage, generator uses, datasets

    @property
    def synthetic_share(self) -> str:
        if self.total_rows <= 0:
            return NOT_RECORDED
        return f"{100 * self.synthetic_rows / self.total_rows:.1f}%"


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: compared and shown by identity
class AuditView:
    title: str
    version: str
    timestamp: str
    commit: str
    dirty: bool
    policies: tuple[PolicySource, ...]
    overview: Overview
    datasets: tuple[DatasetView, ...]
    pipelines: tuple[PipelineView, ...]
    other_findings: tuple[FindingView, ...]  # findings outside any known document
    waivers: tuple[WaiverView, ...]
    regulation: tuple[RegulationGroup, ...]
    unreferenced: tuple[FindingView, ...]  # findings the eu-ai-act pack gives no reference
    training: TrainingSummary
    graph: Any  # LineageGraph or None
    findings: tuple[Finding, ...]
    verified: bool
    notes: tuple[str, ...]


# --------------------------------------------------------------------------- helpers


def anchor(prefix: str, name: str) -> str:
    """A stable HTML id for a dataset or pipeline (distinct names stay distinct)."""
    cleaned = _ANCHOR.sub("-", name).strip("-") or "x"
    if cleaned != name:
        cleaned += "-" + format(sum(map(ord, name)) % 65536, "x")
    return f"{prefix}-{cleaned}"


def text(value: Any) -> str:
    """A scalar from a document as text; anything else is not recorded."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | str) and str(value).strip():
        return str(value)
    return NOT_RECORDED


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _int(value: Any) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number == int(number) else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _model_id(ref: Any) -> str:
    if isinstance(ref, str) and ref.strip():
        return ref.strip()
    if isinstance(ref, Mapping) and isinstance(ref.get("id"), str):
        return ref["id"]
    return NOT_RECORDED


def family(rule: str) -> str:
    if len(rule) == 5 and rule.startswith("SG") and rule[2:].isdigit():
        return FAMILIES.get(rule[2], "other")
    return "custom and plugin rules"


def source_link(inputs: AuditInputs, path: str, line: int) -> str:
    """The URL of ``path:line`` in the repository browser, or "" when none is configured.

    ``repo_url`` is a base URL (GitHub/GitLab style ``/blob/<commit>/<path>#L<line>`` is
    appended) or a template with ``{commit}``, ``{path}`` and ``{line}``.
    """
    base = inputs.repo_url.strip()
    if not base:
        return ""
    from urllib.parse import quote

    rel = "/".join(p for p in (inputs.path_prefix.strip("/"), path) if p)
    commit = inputs.commit or "HEAD"
    if "{path}" in base:
        return (
            base.replace("{commit}", quote(commit))
            .replace("{path}", quote(rel))
            .replace("{line}", str(line))
        )
    return f"{base.rstrip('/')}/blob/{quote(commit)}/{quote(rel)}#L{line}"


# --------------------------------------------------------------------------- build


def build(report: Report, inputs: AuditInputs | None = None) -> AuditView:
    inputs = inputs or AuditInputs()
    graph = None
    if report.graph is not None:
        try:
            graph = report.graph()
        except Exception:  # noqa: BLE001 - a graph must never cost the report
            graph = None
    views = [
        FindingView(f, source_link(inputs, f.path, f.line), f"f{i}")
        for i, f in enumerate(report.findings)
    ]
    by_doc: dict[tuple[str, str | None], list[FindingView]] = defaultdict(list)
    for view in views:
        by_doc[(view.finding.path, view.finding.document)].append(view)
    measured: dict[str, list[MeasuredValue]] = defaultdict(list)
    for value in inputs.verification:
        measured[value.dataset].append(value)

    docs = sorted(inputs.documents, key=lambda d: (d.kind, d.label, d.path))
    placed: set[tuple[str, str | None]] = set()
    datasets: list[DatasetView] = []
    pipelines: list[PipelineView] = []
    for doc in docs:
        key = (doc.path, doc.id)
        found = tuple(by_doc.get(key, ()))
        placed.add(key)
        if doc.kind == DATASET_CARD:
            datasets.append(_dataset(doc, found, inputs, tuple(measured.get(doc.id or "", ()))))
        elif doc.kind == PIPELINE:
            pipelines.append(_pipeline(doc, found))
    datasets = _unique_anchors(datasets)
    pipelines = _unique_anchors(pipelines)
    other = tuple(v for v in views if (v.finding.path, v.finding.document) not in placed)
    s = report.summary
    overview = Overview(
        files=s.files,
        documents=s.documents,
        errors=s.errors,
        warnings=s.warnings,
        infos=s.infos,
        waived=s.waived,
        baselined=s.baselined,
        datasets=len(datasets),
        synthetic_datasets=sum(1 for d in datasets if d.synthetic),
        pipelines=len(pipelines),
        total_rows=sum(int(d.total_rows) for d in datasets if d.total_rows.isdigit()),
        synthetic_rows=sum(int(d.synthetic_rows) for d in datasets if d.synthetic_rows.isdigit()),
        by_family=_by_family(report.findings),
        by_lineage=_by_lineage(datasets),
    )
    regulation, unreferenced = _regulation(views, inputs.regulation)
    notes = list(report.notes)
    if graph is None:
        notes.append("The lineage graph was not available to this report.")
    return AuditView(
        title=inputs.title or "synthgov governance report",
        version=report.version,
        timestamp=inputs.timestamp,
        commit=inputs.commit,
        dirty=inputs.dirty,
        policies=inputs.policies
        or tuple(PolicySource(p, "", "") for p in report.policies or ("builtin:baseline",)),
        overview=overview,
        datasets=tuple(datasets),
        pipelines=tuple(pipelines),
        other_findings=other,
        waivers=_waivers(inputs.documents, report.findings),
        regulation=regulation,
        unreferenced=unreferenced,
        training=_training(inputs.documents, datasets),
        graph=graph,
        findings=report.findings,
        verified=bool(inputs.verification),
        notes=tuple(notes),
    )


def _unique_anchors(views: list[Any]) -> list[Any]:
    """Two cards with one id (an SG005 finding) still get distinct section ids."""
    from dataclasses import replace

    seen: Counter[str] = Counter()
    out = []
    for view in views:
        seen[view.anchor] += 1
        n = seen[view.anchor]
        if n == 1:
            out.append(view)
        else:
            out.append(
                replace(view, anchor=f"{view.anchor}--{n}", heading=f"{view.id} ({view.path})")
            )
    return out


def _dataset(
    doc: Document,
    findings: tuple[FindingView, ...],
    inputs: AuditInputs,
    measured: tuple[MeasuredValue, ...],
) -> DatasetView:
    from synthgov.lineage.graph import is_evaluation, is_synthetic

    data = doc.data
    meta = _mapping(data.get("metadata"))
    comp = _mapping(data.get("composition"))
    validation = _mapping(data.get("validation"))
    purpose = data.get("purpose")
    if isinstance(purpose, list):
        purpose_text = ", ".join(str(p) for p in purpose if isinstance(p, str)) or NOT_RECORDED
    else:
        purpose_text = text(purpose)
    if purpose_text == NOT_RECORDED and is_evaluation(doc):
        purpose_text = "evaluation"
    synthetic_rows = comp.get("synthetic_rows")
    if synthetic_rows is None and _number(comp.get("synthetic_fraction")) is not None:
        total = _number(comp.get("total_rows"))
        if total is not None:
            synthetic_rows = round(float(comp["synthetic_fraction"]) * total)
    name = doc.id or doc.path
    return DatasetView(
        id=name,
        anchor=anchor("ds", name),
        name=text(meta.get("name")) if meta.get("name") else name,
        path=doc.path,
        owner=text(meta.get("owner")),
        purpose=purpose_text,
        synthetic=is_synthetic(doc),
        total_rows=text(_int(comp.get("total_rows"))),
        synthetic_rows=text(_int(synthetic_rows)),
        generators=tuple(_generator(g, inputs) for g in _list(data.get("generation"))),
        sources=tuple(
            text(_mapping(s).get("dataset") or _mapping(s).get("url") or s)
            for s in _list(data.get("sources"))
        ),
        checks=tuple(
            Check(
                text(_mapping(c).get("check")),
                text(_mapping(c).get("tool")),
                text(_mapping(c).get("coverage")),
                text(_mapping(c).get("pass_rate")),
                text(_mapping(c).get("date")),
            )
            for c in _list(validation.get("automated"))
        ),
        review=_review(doc, validation.get("human_review"), inputs),
        judge=_judge(validation.get("judge")),
        contamination=tuple(
            ContaminationCheck(
                ", ".join(str(a) for a in _list(_mapping(c).get("against")))
                or text(_mapping(c).get("against")),
                text(_mapping(c).get("method")),
                text(_mapping(c).get("overlap")),
                text(_mapping(c).get("date")),
            )
            for c in _list(validation.get("contamination"))
        ),
        measured=measured,
        findings=findings,
    )


def _generator(entry: Any, inputs: AuditInputs) -> GeneratorUse:
    use = _mapping(entry)
    ref = use.get("model")
    revision = _mapping(ref).get("revision") if isinstance(ref, Mapping) else None
    prompt = use.get("prompt")
    prompt_text = text(_mapping(prompt).get("path") if isinstance(prompt, Mapping) else prompt)
    facts: ModelFacts | None = None
    if inputs.describe_model is not None and _model_id(ref) != NOT_RECORDED:
        try:
            facts = inputs.describe_model(ref)
        except Exception:  # noqa: BLE001 - an unresolvable reference is unknown
            facts = None
    return GeneratorUse(
        model=_model_id(ref),
        revision=text(revision) if revision is not None else "",
        pinned=bool(facts.pinned) if facts else revision is not None,
        role=text(use.get("role")),
        rows=text(_int(use.get("rows"))),
        prompt=prompt_text,
        date=text(use.get("date")),
        lineage=facts.lineage if facts and facts.lineage else "unknown",
        terms=facts.terms if facts and facts.terms else NOT_RECORDED,
        known=bool(facts and facts.known),
    )


def _review(doc: Document, raw: Any, inputs: AuditInputs) -> Review | None:
    if not isinstance(raw, Mapping):
        return None
    from synthgov.rules.validation_stats import required_sample, review_population

    population, origin = review_population(doc, raw)
    settings = inputs.review

    def setting(key: str, default: float) -> float:
        value = _number(settings.get(key))
        return value if value is not None and 0 < value < 1 else default

    need = required_sample(
        population,
        setting("confidence", 0.95),
        setting("margin", 0.05),
        setting("expected_proportion", 0.5),
    )
    agreement = _mapping(raw.get("agreement"))
    return Review(
        sample=_int(raw.get("sample_size")),
        required=need.required,
        population=(
            f"N={population:g} from {origin}" if population is not None else "unknown population"
        ),
        reviewers=text(raw.get("reviewers")),
        agreement=(
            f"{text(agreement.get('metric'))} {text(agreement.get('value'))}"
            if agreement
            else NOT_RECORDED
        ),
        error_rate=text(raw.get("error_rate")),
        date=text(raw.get("date")),
    )


def _judge(raw: Any) -> Judge | None:
    if not isinstance(raw, Mapping):
        return None
    calibration = _mapping(raw.get("calibration"))
    agreement = _mapping(calibration.get("agreement"))
    return Judge(
        model=_model_id(raw.get("model")),
        calibrated=bool(calibration),
        labels=text(calibration.get("human_labels")),
        agreement=(
            f"{text(agreement.get('metric'))} {text(agreement.get('value'))}"
            if agreement
            else NOT_RECORDED
        ),
        date=text(calibration.get("date")),
    )


def _pipeline(doc: Document, findings: tuple[FindingView, ...]) -> PipelineView:
    data = doc.data
    primary = _mapping(data.get("primary_model"))
    stages = []
    for raw in _list(data.get("stages")):
        stage = _mapping(raw)
        stages.append(
            Stage(
                id=text(stage.get("id")),
                type=text(stage.get("type")),
                model=_model_id(stage.get("model")) if stage.get("model") else "",
                inputs=tuple(str(i) for i in _list(stage.get("inputs"))),
                outputs=tuple(str(o) for o in _list(stage.get("outputs"))),
            )
        )
    name = doc.id or doc.path
    return PipelineView(
        id=name,
        anchor=anchor("pl", name),
        path=doc.path,
        owner=text(_mapping(data.get("metadata")).get("owner")),
        primary=_model_id(primary.get("id")) if primary else NOT_RECORDED,
        base=_model_id(primary.get("base")) if primary.get("base") else NOT_RECORDED,
        stages=tuple(stages),
        findings=findings,
    )


def _by_family(findings: Iterable[Finding]) -> tuple[tuple[str, int, int, int], ...]:
    counts: dict[str, list[int]] = {}
    for f in findings:
        if f.waived:
            continue
        row = counts.setdefault(family(f.rule), [0, 0, 0])
        row[{Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}[f.severity]] += 1
    order = [*FAMILIES.values(), "other", "custom and plugin rules"]
    return tuple((name, *counts[name]) for name in order if name in counts)  # type: ignore[misc]


def _by_lineage(datasets: Sequence[DatasetView]) -> tuple[tuple[str, int, int], ...]:
    uses: Counter[str] = Counter()
    holders: dict[str, set[str]] = defaultdict(set)
    for ds in datasets:
        for gen in ds.generators:
            uses[gen.lineage] += 1
            holders[gen.lineage].add(ds.id)
    return tuple(
        (lineage, uses[lineage], len(holders[lineage]))
        for lineage in sorted(uses, key=lambda k: (-uses[k], k))
    )


def _waivers(documents: Sequence[Document], findings: Sequence[Finding]) -> tuple[WaiverView, ...]:
    """Every waiver of every document, with the status the run gave it: invalid (SG403),
    expired (SG404), unused (SG407) or active; the three rules point at the waiver."""
    from synthgov.engine.waivers import waiver_problems

    verdict = {"SG403": "invalid", "SG404": "expired", "SG407": "unused"}
    marked: dict[tuple[str, str], str] = {}
    for f in findings:
        if f.rule in verdict and f.pointer.startswith("/governance/waivers/"):
            index = f.pointer.split("/")[3]
            marked.setdefault((f.path, index), verdict[f.rule])
    out: list[WaiverView] = []
    for doc in sorted(documents, key=lambda d: (d.path, d.label)):
        for i, raw in enumerate(_list(doc.get(("governance", "waivers")))):
            waiver = _mapping(raw)
            pointer = ("governance", "waivers", i)
            status = marked.get((doc.path, str(i)))
            if status is None:  # the waiver rules did not run: judge the waiver by itself
                status = "invalid" if waiver_problems(raw, 10**6) else "active"
            out.append(
                WaiverView(
                    document=doc.label,
                    anchor=anchor("ds" if doc.kind == DATASET_CARD else "pl", doc.label),
                    path=doc.path,
                    line=doc.position(pointer).line,
                    rule=text(waiver.get("rule")),
                    reason=text(waiver.get("reason")),
                    expires=text(waiver.get("expires")),
                    status=status,
                )
            )
    return tuple(out)


def _regulation(
    views: Sequence[FindingView], mapping: Mapping[str, tuple[str, ...]]
) -> tuple[tuple[RegulationGroup, ...], tuple[FindingView, ...]]:
    """Findings by Article 10 paragraph: the eu-ai-act pack's references for each rule, plus
    the references findings carry themselves (custom rules). Every paragraph the pack names
    is listed, with no findings when none were found."""
    rules_of: dict[str, set[str]] = defaultdict(set)
    for rule, refs in mapping.items():
        for ref in refs:
            rules_of[ref].add(rule)
    grouped: dict[str, list[FindingView]] = defaultdict(list)
    unreferenced: list[FindingView] = []
    for view in views:
        view_refs = set(mapping.get(view.finding.rule, ())) | {
            r for r in view.finding.references if r.startswith(EU_PREFIX)
        }
        if not view_refs:
            unreferenced.append(view)
        for ref in view_refs:
            grouped[ref].append(view)
            rules_of[ref].add(view.finding.rule)
    groups = tuple(
        RegulationGroup(ref, tuple(sorted(rules_of[ref])), tuple(grouped.get(ref, ())))
        for ref in sorted(rules_of, key=_reference_key)
    )
    return groups, tuple(unreferenced)


def _reference_key(ref: str) -> tuple[Any, ...]:
    """Art. 10(2) before 10(2)(a) before 10(3): numbers as numbers."""
    parts = re.findall(r"\d+|[a-z]+", ref.removeprefix(EU_PREFIX))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def _training(documents: Sequence[Document], datasets: Sequence[DatasetView]) -> TrainingSummary:
    """Training cards (purpose training, or no evaluation purpose), the generators of the
    synthetic ones and their modalities (tags first, else the file formats)."""
    training = [
        d for d in datasets if "training" in d.purpose.split(", ") or d.purpose == NOT_RECORDED
    ]
    synthetic = [d for d in training if d.synthetic]
    gens: dict[str, list[Any]] = {}
    for ds in synthetic:
        for gen in ds.generators:
            if gen.role not in ("generator", NOT_RECORDED, "rewriter", "translator"):
                continue
            row = gens.setdefault(gen.model, [gen.known, gen.lineage, set()])
            row[2].add(ds.id)
    docs = {doc.id or doc.path: doc for doc in documents if doc.kind == DATASET_CARD}
    modal: dict[tuple[str, str], int] = Counter()
    unknown = 0
    for ds in synthetic:
        doc = docs.get(ds.id)
        found = _modalities(doc) if doc is not None else None
        if not found:
            unknown += 1
            continue
        source, names = found
        for name in names:
            modal[(name, source)] += 1
    return TrainingSummary(
        training_datasets=len(training),
        synthetic_training=len(synthetic),
        generators=tuple(
            SyntheticGenerator(model, bool(row[0]), str(row[1]), len(row[2]))
            for model, row in sorted(gens.items())
        ),
        modalities=tuple(
            Modality(name, count, source) for (name, source), count in sorted(modal.items())
        ),
        unknown_modality=unknown,
    )


def _modalities(doc: Document) -> tuple[str, tuple[str, ...]] | None:
    tags = _list(_mapping(doc.data.get("metadata")).get("tags"))
    from_tags = sorted(
        {
            MODALITY_TAGS[t.lower()]
            for t in tags
            if isinstance(t, str) and t.lower() in MODALITY_TAGS
        }
    )
    if from_tags:
        return "tags", tuple(from_tags)
    formats: set[str] = set()
    for raw in _list(doc.data.get("files")):
        entry = _mapping(raw)
        fmt = entry.get("format")
        if not isinstance(fmt, str):
            path = entry.get("path")
            fmt = path.rsplit(".", 1)[-1] if isinstance(path, str) and "." in path else ""
        if fmt.lower() in MODALITY_FORMATS:
            formats.add(MODALITY_FORMATS[fmt.lower()])
    return ("file formats", tuple(sorted(formats))) if formats else None
