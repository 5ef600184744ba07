"""The HTML audit report (issue 18), without a browser: content, counts, links, escaping,
determinism and the errors of `synthgov report`. tests/test_html_browser.py opens the
pages in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthgov.app.check.runner import CheckOptions, prepare, run_check
from synthgov.engine.report import Report
from synthgov.reporters.html import render
from synthgov.reporters.html.inputs import AuditInputs, MeasuredValue
from synthgov.reporters.html.svg import ranks, wrap_rows
from tests.conftest import ROOT, git, imported_modules, run_cli, write_tree

ACME = ROOT / "examples" / "acme"
VIOLATIONS = ROOT / "examples" / "violations"
COUNT = re.compile(r'data-count="([a-z-]+)">([^<]*)<')


def counts(html: str) -> dict[str, str]:
    return dict(COUNT.findall(html))


def finding_items(html: str) -> int:
    return len(re.findall(r'<li class="finding ', html))


def json_report(cwd: Path, *args: str) -> dict:
    return json.loads(run_cli("check", "--format", "json", "--no-cache", *args, cwd=cwd).stdout)


def html_report(cwd: Path, *args: str) -> str:
    proc = run_cli("report", "--no-cache", *args, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("example", [ACME, VIOLATIONS], ids=["acme", "violations"])
def test_counts_shown_equal_the_json_report(example: Path) -> None:
    data = json_report(example)
    html = html_report(example)
    shown = counts(html)
    for key in ("errors", "warnings", "infos", "waived", "files", "documents"):
        assert shown[key] == f"{data['summary'][key]:,}", key
    # every finding is listed once, in its dataset, pipeline or among the other findings
    assert finding_items(html) == len(data["findings"])
    for finding in data["findings"]:
        where = f"{finding['path']}:{finding['line']}:{finding['column']}"
        assert f"<code>{where}</code>" in html, where


def test_check_format_html_is_the_same_page_and_exits_like_check() -> None:
    proc = run_cli("check", "--format", "html", "--no-cache", cwd=VIOLATIONS)
    assert proc.returncode == 1  # the check's exit code, whatever the format
    assert proc.stdout == html_report(VIOLATIONS)
    assert run_cli("check", "--format", "html", "--no-cache", cwd=ACME).returncode == 0


def test_named_files_scope_the_report_and_the_graph() -> None:
    card = "datasets/review-too-small/card.yaml"
    html = html_report(VIOLATIONS, card)
    data = json_report(VIOLATIONS, card)
    assert counts(html)["documents"] == "1" == str(data["summary"]["documents"])
    assert counts(html)["datasets"] == "1"
    assert finding_items(html) == len(data["findings"]) == 1
    whole = html_report(VIOLATIONS)
    assert html.count('class="n ') < whole.count('class="n ')  # the card's lineage only
    assert 'data-k="' in html


def test_self_contained_and_deterministic() -> None:
    first = html_report(VIOLATIONS)
    second = html_report(VIOLATIONS)
    assert first == second
    assert first.startswith("<!DOCTYPE html>")
    # nothing is fetched: no external script, style sheet, image or font
    assert not re.search(r"<(link|img|iframe|object|embed)\b", first)
    assert not re.search(r"\bsrc=|url\((?!#)|@import", first)
    assert "default-src 'none'" in first
    # no link leaves the page without --repo-url (URLs in findings are text)
    assert set(re.findall(r'href="([^#][^"]*)"', first)) == set()
    assert "<time>" not in first  # no timestamp unless asked for


def test_timestamp_is_the_only_varying_part() -> None:
    plain = html_report(ACME)
    stamped = html_report(ACME, "--timestamp", "2026-12-05T10:00:00+00:00")
    assert "<time>2026-12-05T10:00:00Z</time>" in stamped
    assert stamped.replace("<p>Generated: <time>2026-12-05T10:00:00Z</time></p>", "") == plain


@pytest.mark.parametrize(
    "args, message",
    [
        (("--timestamp", "yesterday"), "--timestamp 'yesterday' is not an ISO 8601"),
        (("--repo-url", "git@github.com:acme/x"), "must be an http(s) URL"),
        (("--format", "pdf"), "Invalid value for '--format'"),
    ],
)
def test_bad_options_exit_2_with_one_line(args: tuple[str, ...], message: str) -> None:
    proc = run_cli("report", "--no-cache", *args, cwd=ACME)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_an_unwritable_output_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    proc = run_cli("report", "--no-cache", "-o", str(tmp_path / "file" / "r.html"), cwd=ACME)
    assert proc.returncode == 2
    assert proc.stderr.startswith("synthgov: error: cannot write ")
    assert "Traceback" not in proc.stderr


def test_a_cached_run_gives_the_same_page(tmp_path: Path) -> None:
    shutil.copytree(VIOLATIONS, tmp_path / "v")
    cwd = tmp_path / "v"
    env = {"SYNTHGOV_CACHE_DIR": str(tmp_path / "cache")}
    cold = run_cli("check", "--format", "html", cwd=cwd, env=env)
    assert any((tmp_path / "cache").iterdir())  # the first run filled the cache
    warm = run_cli("check", "--format", "html", cwd=cwd, env=env)
    assert cold.returncode == warm.returncode == 1
    assert warm.stdout == cold.stdout
    assert warm.stdout == html_report(cwd)


def test_a_typo_in_the_report_config_fails_closed(tmp_path: Path) -> None:
    shutil.copytree(ACME, tmp_path / "acme")
    config = tmp_path / "acme" / "synthgov.yaml"
    config.write_text("policies: [builtin:baseline]\nreport: {repo_ulr: https://x.example}\n")
    proc = run_cli("report", "--no-cache", cwd=tmp_path / "acme")
    assert proc.returncode == 2
    assert proc.stderr.startswith("synthgov: error: synthgov.yaml:2: config does not match")
    assert "repo_ulr" in proc.stderr


def _git_copy(tmp_path: Path, example: Path) -> tuple[Path, str]:
    repo = tmp_path / "repo"
    shutil.copytree(example, repo / "governance")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "cards")
    return repo / "governance", git(repo, "rev-parse", "HEAD").strip()


def test_findings_link_to_their_source_lines_at_the_commit(tmp_path: Path) -> None:
    cwd, commit = _git_copy(tmp_path, VIOLATIONS)
    html = html_report(cwd, "--repo-url", "https://git.example/acme/gov/")
    assert f"<code>{commit}</code>" in html
    assert "uncommitted" not in html
    data = json_report(cwd)
    links = re.findall(r'<a href="(https://git\.example/[^"]+)"><code>([^<]+)</code></a>', html)
    expected = {f"{f['path']}:{f['line']}:{f['column']}" for f in data["findings"]}
    assert {where for _, where in links} == expected
    for url, where in links:
        path, line, _ = where.rsplit(":", 2)
        # the path is relative to the repository root, not to where synthgov ran
        assert url == f"https://git.example/acme/gov/blob/{commit}/governance/{path}#L{line}"


def test_a_url_template_and_the_config_option(tmp_path: Path) -> None:
    cwd, commit = _git_copy(tmp_path, VIOLATIONS)
    (cwd / "synthgov.yaml").write_text(
        "policies: [builtin:baseline]\n"
        "report: {repo_url: 'https://code.example/r?c={commit}&f={path}&l={line}', "
        "title: Acme data audit}\n"
    )
    html = html_report(cwd)
    assert "<title>Acme data audit</title>" in html
    assert f"https://code.example/r?c={commit}&amp;f=governance/datasets/" in html
    assert "(with uncommitted changes)" in html  # the config was edited after the commit
    # --repo-url overrides the config
    assert "https://other.example/" in html_report(cwd, "--repo-url", "https://other.example")


def test_document_text_is_escaped(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "synthgov.yaml": "policies: [builtin:baseline]\n",
            "card.yaml": (
                "apiVersion: synthgov/v1\nkind: DatasetCard\n"
                "metadata: {id: x-card, name: '<script>alert(1)</script>', "
                "owner: '\"><img src=x onerror=alert(1)>'}\n"
                "composition: {total_rows: 10, synthetic_rows: 10}\n"
                "generation: [{model: '<b>evil</b>', role: generator}]\n"
            ),
        },
    )
    html = html_report(tmp_path)
    assert "Commit checked: not recorded (not a git work tree)" in html
    assert "<script>alert" not in html
    assert "<img" not in html and "<b>evil" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;evil&lt;/b&gt;" in html


def test_regulation_view_groups_findings_by_article_10_paragraph() -> None:
    html = html_report(VIOLATIONS)
    section = html.split('id="regulation"', 1)[1].split('id="training-summary"', 1)[0]
    heads = re.findall(r'<h3 id="h-reg-\d+">([^<]+)<small>\((\d+) active', section)
    refs = [h.strip() for h, _ in heads]
    art = "EU AI Act Art. 10"
    assert refs[:3] == [f"{art}(2)", f"{art}(2)(a)", f"{art}(2)(b)"]
    assert "EU AI Act Art. 10(3)" in refs and "EU AI Act Art. 10(4)" in refs
    # SG302 (review sample too small) is evidence under 10(3), even though the run's policy
    # is the baseline (the mapping comes from the eu-ai-act pack)
    targets = re.findall(r'<a href="#(f\d+)">', section)
    assert targets and all(
        '<li class="finding' in html.split(f'id="{t}"')[0][-300:] for t in targets
    )
    para3 = section.split("EU AI Act Art. 10(3) ", 1)[1].split("<h3", 1)[0]
    assert 'data-rule="SG302"' in para3
    assert (
        'data-rule="SG302"'
        not in section.split("EU AI Act Art. 10(2)(f) ", 1)[1].split("<h3", 1)[0]
    )


def test_waivers_show_the_status_the_run_gave_them() -> None:
    html = html_report(VIOLATIONS)
    table = html.split('id="h-waivers"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<code>(datasets/[^<]+)</code>.*?<span class=\"\w*\">(\w+)</span>", table)
    assert rows == [
        ("datasets/waiver-expired/card.yaml:47", "expired"),  # SG404
        ("datasets/waiver-invalid/card.yaml:48", "invalid"),  # SG403: no reason
        ("datasets/waiver-invalid/card.yaml:49", "invalid"),  # SG403: 365 days > 180 allowed
        ("datasets/waiver-unused/card.yaml:48", "unused"),  # SG407
    ]


def test_training_content_summary_names_generators_and_modalities() -> None:
    html = html_report(ACME)
    section = html.split('id="training-summary"', 1)[1].split('id="datasets"', 1)[0]
    assert "<strong>Yes</strong>: 1 of 2 training dataset card(s) are synthetic" in section
    assert "<code>mistralai/Mixtral-8x22B-Instruct-v0.1</code>" in section
    assert "<code>Qwen/Qwen2.5-7B-Instruct</code>" in section
    assert "text (1 dataset(s), from file formats)" in section
    # the evaluation set's generators are not training content
    assert "claude-3-5-sonnet" not in section


def test_per_dataset_provenance_and_coverage() -> None:
    html = html_report(VIOLATIONS)
    section = html.split('id="ds-review-too-small', 1)
    assert len(section) == 1  # ids are card ids, not folder names
    small = html.split('<section class="dataset" id="ds-support-intents-large"', 1)[1]
    small = small.split("</section>", 1)[0]
    assert "sample 200 of the required 370" in small
    assert '<span class="err">too small</span>' in small
    acme = html_report(ACME)
    synth = acme.split('id="ds-support-intents-synth-v1"', 1)[1].split("</section>", 1)[0]
    assert "sample 24 of the required 23 (N=24 from human_review.population)" in synth
    assert "calibrated on 150 human labels, agreement cohen_kappa 0.71" in synth
    assert "against support-eval-v1 by ngram-13, overlap 0.0" in synth
    card = (ACME / "datasets" / "support-intents-synth" / "card.yaml").read_text()
    revision = re.search(r'revision: "?([0-9a-f]+)', card).group(1)  # the pin, as written
    assert f'<td><code class="pin">{revision}</code></td>' in synth and "<td>mistral</td>" in synth
    assert "The data was not verified in this run" in synth


def _run(cwd: Path) -> tuple[Report, tuple]:
    options = CheckOptions(cwd=str(cwd), use_cache=False)
    result = run_check(options, prepare(options))
    return result.report, result.documents


def test_declared_vs_measured_renders_verification_results() -> None:
    from dataclasses import replace

    report, documents = _run(ACME)
    measured = (
        MeasuredValue("support-intents-synth-v1", "files[0].rows", "24", "24", True, "data.jsonl"),
        MeasuredValue("support-intents-synth-v1", "composition.synthetic_rows", "24", "20", False),
    )
    inputs = AuditInputs(documents=documents, verification=measured)
    html = render(replace(report, audit=inputs))
    synth = html.split('id="ds-support-intents-synth-v1"', 1)[1].split("</section>", 1)[0]
    assert "<td>files[0].rows</td><td>24</td><td>24</td>" in synth
    assert '<span class="err">differs</span>' in synth
    other = html.split('id="ds-tickets-2024"', 1)[1].split("</section>", 1)[0]
    assert "No verification result for this dataset." in other


def test_a_bare_report_still_renders() -> None:
    report, _ = _run(VIOLATIONS)
    from dataclasses import replace

    html = render(replace(report, graph=None))
    assert counts(html)["errors"] == str(report.summary.errors)
    assert "The lineage graph is not available to this report." in html
    assert finding_items(html) == len(report.findings)  # all under "other findings"


def test_graph_highlights_findings_and_links_nodes_to_sections() -> None:
    html = html_report(VIOLATIONS)
    svg = html.split('<svg xmlns="http://www.w3.org/2000/svg" id="graph-svg"', 1)[1]
    svg = svg.split("</svg>", 1)[0]
    assert 'class="e hot"' in svg  # a highlighted edge (a diversity finding)
    assert "violation" in svg
    for target in re.findall(r'<a href="#([^"]+)" class="n ', svg):
        assert f'id="{target}"' in html, target
    keys = json.loads(html.split('id="graph-datasets">', 1)[1].split("</script>", 1)[0])
    assert keys["support-intents-synth-v1"].startswith("n")


def test_the_report_imports_no_gitpython_and_text_checks_no_html(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "card.yaml": (
                "apiVersion: synthgov/v1\nkind: DatasetCard\n"
                "metadata: {id: one, owner: a@b.example}\n"
                "composition: {total_rows: 10, synthetic_rows: 10}\n"
                "generation: [{model: gpt-4o-2024-08-06, role: generator}]\n"
            )
        },
    )
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "one")
    modules = imported_modules(["report", "--no-cache", "-o", "r.html"], tmp_path)
    assert "synthgov.reporters.html.svg" in modules  # the measurement saw the real run
    assert "git" not in modules and "synthgov.app.check.gitdiff" not in modules
    text = imported_modules(["check", "--no-cache", "card.yaml"], tmp_path)
    assert not any(m.startswith(("synthgov.reporters.html", "synthgov.app.audit")) for m in text)


def test_every_active_finding_counts_in_one_family() -> None:
    from synthgov.core.types import Finding, Severity
    from synthgov.engine.report import summarize
    from synthgov.reporters.html.model import build

    findings = tuple(
        Finding(rule, "n", Severity.ERROR, "a.yaml", 1, 1, "", None, "m")
        for rule in ("SG001", "SG302", "SG999", "SG5012", "ACME01")
    )
    view = build(Report(findings=findings, summary=summarize(findings, 1, 1), version="0"))
    rows = {name: err for name, err, _, _ in view.overview.by_family}
    assert sum(rows.values()) == len(findings) == view.overview.errors
    assert rows["other"] == 1 and rows["custom and plugin rules"] == 2


def test_layout_ranks_survive_cycles_and_wrap_tall_layers() -> None:
    succ = {"a": ["b"], "b": ["c"], "c": ["a", "d"]}
    assert ranks(["a", "b", "c", "d"], succ) == {"a": 0, "b": 1, "c": 2, "d": 3}
    assert wrap_rows([3, 4]) == 6
    rows = wrap_rows([900, 20, 10])
    assert 6 < rows < 900


# --------------------------------------------------------------------------- robustness

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
_KEYS = (
    "metadata",
    "purpose",
    "composition",
    "sources",
    "generation",
    "validation",
    "files",
    "governance",
    "primary_model",
    "stages",
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["DatasetCard", "Pipeline"]),
    body=st.fixed_dictionaries({}, optional={k: _JSON for k in _KEYS}),
)
def test_any_document_shape_renders_without_an_exception(kind: str, body: dict) -> None:
    """A malformed card is a finding already; the page shows 'not recorded', never fails."""
    from synthgov.core.types import Document
    from synthgov.engine.report import summarize
    from synthgov.lineage.graph import LineageGraph

    doc = Document(path="x/card.yaml", kind=kind, data=body)
    graph = LineageGraph.build([doc])
    report = Report(
        findings=(),
        summary=summarize((), 1, 1),
        version="0",
        graph=lambda: graph,
        audit=AuditInputs(documents=(doc,), describe_model=lambda ref: None),
    )
    html = render(report)
    assert html.endswith("</html>\n")
    assert 'data-count="documents">1<' in html


def test_wrong_types_in_known_places_show_as_not_recorded() -> None:
    from synthgov.core.types import Document
    from synthgov.engine.report import summarize
    from synthgov.lineage.graph import LineageGraph

    data = {
        "metadata": {"id": "odd", "owner": ["a"], "tags": "text"},
        "purpose": 7,
        "composition": {"total_rows": "10", "synthetic_fraction": 0.5},
        "generation": [{"model": {"id": 5}, "rows": "x", "prompt": 3}, "gpt-4o", None],
        "validation": {
            "human_review": {"sample_size": "lots", "population": -1, "agreement": 3},
            "judge": {"model": None, "calibration": "yes"},
            "automated": "dedup",
            "contamination": [1, {"against": "a"}],
        },
        "governance": {"waivers": [{"rule": 1}, "x"]},
        "files": [{"path": 3}, {"format": None, "path": "a.png"}],
    }
    doc = Document(path="odd/card.yaml", kind="DatasetCard", data=data)
    graph = LineageGraph.build([doc])
    report = Report(
        findings=(),
        summary=summarize((), 1, 1),
        version="0",
        graph=lambda: graph,
        audit=AuditInputs(documents=(doc,)),
    )
    html = render(report)
    section = html.split('id="ds-odd"', 1)[1].split("</section>", 1)[0]
    assert "<dt>Owner</dt><dd>not recorded</dd>" in section
    assert "sample not recorded of the required" in section
    assert '<span class="err">not calibrated</span>' in section
    assert "<td>invalid</td>" not in html and '<span class="err">invalid</span>' in html


@pytest.mark.slow
def test_verified_data_fills_declared_vs_measured(tmp_path: Path) -> None:
    """``check --format html --verify-data``: the claims of the verification run (real
    DuckDB on the example's data files) appear per dataset with their three outcomes."""
    out = tmp_path / "report.html"
    proc = run_cli(
        "check",
        "--verify-data",
        "--no-cache",
        "--format",
        "html",
        "--output",
        str(out),
        cwd=VIOLATIONS,
    )
    assert proc.returncode == 1, proc.stderr
    html = out.read_text(encoding="utf-8")
    mismatch = html.split('id="ds-data-mismatch-v1"', 1)[1].split("</section>", 1)[0]
    assert "<td>total rows</td><td>10</td><td>8</td>" in mismatch
    assert '<span class="err">differs</span>' in mismatch
    sample = html.split('id="ds-support-intents-sample"', 1)[1].split("</section>", 1)[0]
    assert "<td>total rows</td><td>4</td><td>4</td>" in sample
    assert '<span class="ok">matches</span>' in sample
    assert '<span class="warn">unverified</span>' in sample
    assert "not measured" in sample
    # the audit command measures too when asked, and gives the same page
    again = tmp_path / "audit.html"
    proc = run_cli("report", "--verify-data", "--no-cache", "-o", str(again), cwd=VIOLATIONS)
    assert proc.returncode == 0, proc.stderr
    assert again.read_bytes() == out.read_bytes()
