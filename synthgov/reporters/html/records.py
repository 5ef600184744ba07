"""The audit report's content as frozen records: what :mod:`.model` builds and the page
renders. No logic beyond small derived properties."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from synthgov.core.types import Finding
from synthgov.reporters.html.inputs import MeasuredValue, PolicySource

NOT_RECORDED = "not recorded"


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
