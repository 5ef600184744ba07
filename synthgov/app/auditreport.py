"""``synthgov report``: a check run turned into the self-contained audit report.

The CLI parses the command line into a :class:`ReportRequest`, prepares the setup from
:meth:`ReportRequest.options`, and calls :func:`audit_report`. No printing here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from synthgov.app.audit import check_repo_url, parse_timestamp
from synthgov.app.check.checking import run, with_audit
from synthgov.app.check.runner import CheckOptions, RunResult, Setup
from synthgov.core.errors import UsageError

if TYPE_CHECKING:
    from synthgov.engine.report import Report


@dataclass(frozen=True)
class ReportRequest:
    """The command line of ``synthgov report``, parsed."""

    paths: tuple[str, ...] = ()
    fmt: str = "html"
    output: str | None = None
    policies: tuple[str, ...] = ()
    config_path: str | None = None
    timestamp: str | None = None
    repo_url: str | None = None
    verify_data: bool = False
    no_cache: bool = False

    def checked(self) -> ReportRequest:
        """The request with the time to record and the repository URL normalised ("" when
        not given); UsageError when either is malformed."""
        try:
            stamp = parse_timestamp(self.timestamp) if self.timestamp is not None else ""
            url = check_repo_url(self.repo_url) if self.repo_url is not None else ""
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        return replace(self, timestamp=stamp, repo_url=url)

    def options(self) -> CheckOptions:
        return CheckOptions(
            paths=self.paths,
            config=self.config_path,
            policies=self.policies,
            use_cache=not self.no_cache,
            verify_data=self.verify_data,
        )


def audit_report(request: ReportRequest, options: CheckOptions, setup: Setup) -> AuditRun:
    """Check, and render the report with what an audit needs (commit, policies...);
    ``request`` is :meth:`ReportRequest.checked`."""
    stamp, url = request.timestamp or "", request.repo_url or ""
    reporter = setup.registry.reporters.get(request.fmt)
    if reporter is None:  # pragma: no cover - html is built in
        raise UsageError(f"unknown format {request.fmt!r}")
    result = run(options, setup)
    report = with_audit(result.report, result, setup, options.cwd, request.paths, stamp, url)
    return AuditRun(result, report, reporter(report))


@dataclass(frozen=True, eq=False)
class AuditRun:
    """A check run, its report with the audit inputs, and the rendered page."""

    result: RunResult
    report: Report
    text: str

    def written_line(self, output: str) -> str:
        """What the CLI says once the page is written to ``output``."""
        s = self.report.summary
        return (
            f"synthgov: wrote {output}: {s.errors} error(s), {s.warnings} warning(s), "
            f"{s.infos} info(s) in {s.documents} document(s)"
        )
