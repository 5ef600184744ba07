"""No input file can crash, hang or confuse synthgov (SPEC section 13).

Property-based tests (hypothesis) feed the loaders and the command line random and mutated
YAML, JSON and Markdown, random bytes, odd encodings and odd file names; deterministic cases
cover deep nesting, alias bombs, huge scalars, symlink loops, unreadable files, FIFOs and
folders named like cards. Every run must:

* end without a traceback, with exit code 0, 1 or 2 (2 only for a bad config, with one
  line naming it);
* report findings whose paths are files of the run and whose line and column exist in the
  file (line 1 column 1 for files that could not be read);
* print the same bytes when run again (the second run is served by the cache);
* never report a rule that crashed ("failed on this document").

The command line runs in-process (click's runner: a traceback would surface as an
exception), a few cases in a real subprocess. Example counts come from a hypothesis profile:
``ci`` (the default, 50 examples, bounded so the suite stays well under a minute) or
``dev`` for long local runs: ``HYPOTHESIS_PROFILE=dev pytest tests/test_robustness.py``.

Every input that ever broke synthgov is kept in ``tests/regressions/`` (see NOTES.txt
there) and replayed by :func:`test_regression_corpus`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthgov.cli.main import main
from tests.conftest import ROOT, TODAY

settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
FUZZ = settings.get_profile(_PROFILE if _PROFILE in ("ci", "dev") else "ci")
FEW = settings(FUZZ, max_examples=max(10, FUZZ.max_examples // 3))

REGRESSIONS = ROOT / "tests" / "regressions"
ACME = ROOT / "examples" / "acme"
NATIVE_YAML = b"apiVersion: synthgov/v1\nkind: DatasetCard\n"
NATIVE_JSON = b'{"apiVersion": "synthgov/v1", "kind": "DatasetCard", '
HF_HEAD = b"---\nlicense: mit\ntags: [synthetic]\n"
CARD_KEYS = (
    "metadata",
    "purpose",
    "files",
    "composition",
    "sources",
    "generation",
    "validation",
    "representation",
    "governance",
    "stages",
    "primary_model",
    "x-extra",
)


# --------------------------------------------------------------------------- running


@contextlib.contextmanager
def _repo(files: dict[str, bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="sg-fuzz-") as tmp:
        root = Path(tmp) / "repo"
        root.mkdir()
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        yield root


def _invoke(root: Path, cache: Path, *args: str) -> tuple[int, str, str]:
    env = {"SYNTHGOV_CACHE_DIR": str(cache), "SYNTHGOV_TODAY": TODAY, "NO_COLOR": "1"}
    with contextlib.chdir(root):
        result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"traceback for synthgov {' '.join(args)}:\n{trace}")
    return result.exit_code, result.stdout, result.stderr


def check_run(root: Path, *extra: str) -> dict[str, Any] | None:
    """Run ``check`` twice (the second run hits the cache) plus once as text; assert the
    properties of the module documentation; the JSON report (None for exit code 2)."""
    cache = root.parent / "cache"
    code, out, err = _invoke(root, cache, "check", "--format", "json", *extra)
    again = _invoke(root, cache, "check", "--format", "json", *extra)
    assert again == (code, out, err), "a second run printed something else"
    assert code in (0, 1, 2), (code, out, err)
    text_code, _, _ = _invoke(root, cache, "check", *extra)
    assert text_code == code
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("synthgov: error:"), err
        return None
    report = json.loads(out)
    for finding in report["findings"]:
        _check_finding(root, finding)
    return report


def _check_finding(root: Path, finding: dict[str, Any]) -> None:
    assert "failed on this document" not in finding["message"], finding
    line, column = finding["line"], finding["column"]
    assert isinstance(line, int) and isinstance(column, int) and line >= 1 and column >= 1
    path = root / finding["path"]
    assert os.path.lexists(path), finding
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # never open a FIFO here either
            raise IsADirectoryError(path)
        raw = path.read_bytes()
    except OSError:
        assert (line, column) == (1, 1), finding
        return
    lines = raw.splitlines() or [b""]
    assert line <= len(lines) + 1, (finding, len(lines))
    if line <= len(lines):
        width = len(lines[line - 1].decode("utf-8", "replace"))
        assert column <= width + 2, (finding, width)


# --------------------------------------------------------------------------- strategies

_SEEDS: list[tuple[str, bytes]] = sorted(
    (str(p.relative_to(ACME)), p.read_bytes())
    for p in ACME.rglob("*")
    if p.is_file() and p.suffix in (".yaml", ".json")
)
_VIOLATION_SEEDS = sorted(
    p.read_bytes() for p in (ROOT / "examples" / "violations").rglob("card.yaml")
)

YAML_TOKENS = st.sampled_from(
    [
        "&a ",
        "*a",
        "<<: *a",
        "!!python/object:os.system ",
        "!!str ",
        "!!binary ",
        "? ",
        ": ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        "|",
        ">-",
        "#",
        "'",
        '"',
        "\t",
        "\n",
        "  ",
        "---\n",
        "...\n",
        "%YAML 1.1\n",
        "\x00",
        "\ufeff",
        "\u0085",
        "\ud800",
        "é",
        "1e999",
        "0x",
        ".nan",
        "~",
        "null",
        "2026-02-30",
        "NO",
        "012",
    ]
)


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "truncate", "indent"]))
        at = draw(st.integers(0, len(data)))
        if op == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif op == "insert":
            token = draw(st.one_of(YAML_TOKENS, st.text(max_size=12)))
            data[at:at] = token.encode("utf-8", "surrogatepass")
        elif op == "duplicate":
            start = data.rfind(b"\n", 0, at) + 1
            end = data.find(b"\n", at)
            end = len(data) if end < 0 else end + 1
            data[start:start] = data[start:end]
        elif op == "truncate":
            del data[at:]
        else:
            start = data.rfind(b"\n", 0, at) + 1
            data[start:start] = draw(st.sampled_from([b" ", b"    ", b"\t"]))
    return bytes(data)


JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from([*CARD_KEYS, "id", "model", "path", "role", "date"])
            | st.text(max_size=6),
            inner,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@st.composite
def structured_card(draw: st.DrawFn) -> dict[str, Any]:
    card: dict[str, Any] = {
        "apiVersion": "synthgov/v1",
        "kind": draw(st.sampled_from(["DatasetCard", "Pipeline", "Other", 7])),
    }
    if draw(st.booleans()):
        card["metadata"] = {
            "id": draw(st.sampled_from(["a", "b", "A B", ""])),
            "owner": "x@y.example",
        }
    for key in draw(st.lists(st.sampled_from(CARD_KEYS), max_size=6, unique=True)):
        card[key] = draw(JSONISH)
    return card


def _dump(card: dict[str, Any], as_json: bool) -> bytes:
    if as_json:
        return json.dumps(card, default=str).encode()
    return yaml.safe_dump(card, allow_unicode=True, sort_keys=False).encode(
        "utf-8", "surrogatepass"
    )


# --------------------------------------------------------------------------- properties


@pytest.mark.slow
@FUZZ
@given(
    st.sampled_from(["card.yaml", "card.json", "README.md", "pipeline.yml"]),
    st.sampled_from([b"", NATIVE_YAML, NATIVE_JSON, HF_HEAD]),
    st.binary(max_size=400),
)
def test_random_bytes(name: str, head: bytes, tail: bytes) -> None:
    with _repo({name: head + tail}) as root:
        check_run(root)


@pytest.mark.slow
@FUZZ
@given(st.data())
def test_mutated_cards_in_a_real_repository(data: st.DataObject) -> None:
    files = dict(_SEEDS)
    target = data.draw(st.sampled_from(sorted(files)))
    files[target] = data.draw(mutated([files[target], *_VIOLATION_SEEDS[:8]]))
    with _repo(files) as root:
        for extra in ("prompts", "datasets/support-eval/data", "datasets/tickets-2024/data"):
            src = ACME / extra
            if src.is_dir():
                shutil.copytree(src, root / extra, dirs_exist_ok=True)
        shutil.copytree(
            ACME / "datasets/support-intents-synth/data",
            root / "datasets/support-intents-synth/data",
            dirs_exist_ok=True,
        )
        check_run(root)


@pytest.mark.slow
@FUZZ
@given(st.lists(structured_card(), min_size=1, max_size=4), st.booleans())
def test_random_structures_never_crash_a_rule(cards: list[dict[str, Any]], as_json: bool) -> None:
    suffix = "json" if as_json else "yaml"
    files = {f"d{i}/card.{suffix}": _dump(card, as_json) for i, card in enumerate(cards)}
    with _repo(files) as root:
        check_run(root)


@FEW
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "synthgov",
                "license",
                "tags",
                "task_categories",
                "configs",
                "dataset_info",
                "annotations_creators",
            ]
        ),
        JSONISH,
        max_size=5,
    ),
    st.text(max_size=60),
)
def test_random_huggingface_cards(front: dict[str, Any], body: str) -> None:
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    with _repo({"README.md": text.encode("utf-8", "surrogatepass")}) as root:
        check_run(root)


@FEW
@given(
    st.sampled_from(
        [
            "utf-16",
            "utf-16-le",
            "utf-16-be",
            "utf-32",
            "latin-1",
            "cp1252",
            "shift_jis",
            "utf-8-sig",
            "utf-7",
        ]
    ),
    st.text(alphabet="aé€ß日本 -_:", max_size=20),
)
def test_odd_encodings(codec: str, word: str) -> None:
    text = f"apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata:\n  id: x\n  name: {word!r}\n"
    try:
        raw = text.encode(codec)
    except UnicodeEncodeError:
        raw = text.encode(codec, "replace")
    with _repo({"card.yaml": raw}) as root:
        check_run(root)


FILE_NAME = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\"),
    min_size=1,
    max_size=16,
).filter(lambda s: s.strip() not in ("", ".", "..") and not s.startswith("-"))


@pytest.mark.slow
@FEW
@given(st.lists(FILE_NAME, min_size=1, max_size=3, unique=True), st.booleans())
def test_paths_with_spaces_and_unicode(names: list[str], nested: bool) -> None:
    files = {}
    for i, name in enumerate(names):
        folder = f"{name} dir/" if nested else ""
        meta = f"metadata: {{id: c{i}, owner: o@x.example}}\n"
        body = NATIVE_YAML + (meta + f"files: [{{path: '{name}.jsonl'}}]\n").encode()
        files[f"{folder}{name}.yaml"] = body
    try:
        with _repo(files) as root:
            report = check_run(root)
            assert report is not None and report["summary"]["files"] == len(names)
            paths = {f["path"] for f in report["findings"]}
            assert paths <= set(files)
            # naming a card explicitly works as well (pre-commit passes such paths)
            for name in files:
                code, _, _ = _invoke(
                    root, root.parent / "cache2", "check", "--format", "json", name
                )
                assert code in (0, 1)
    except OSError as exc:  # the file system refuses the name (too long in bytes)
        assert exc.errno in (36,), exc


@FEW
@given(
    st.binary(max_size=300),
    st.sampled_from([b"", b"policies: [builtin:baseline]\n", b"cache: {enabled: false}\n"]),
)
def test_random_config_is_a_finding_or_exit_2(raw: bytes, head: bytes) -> None:
    card = NATIVE_YAML + b"metadata: {id: a, owner: o@x.example}\n"
    with _repo({"synthgov.yaml": head + raw, "card.yaml": card}) as root:
        check_run(root)


# --------------------------------------------------------------------------- hostile files


def _alias_bomb(levels: int, width: int) -> bytes:
    lines = [b"a0: &a0 [" + b",".join([b'"lol"'] * width) + b"]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * width)}]".encode())
    return (
        NATIVE_YAML
        + b"metadata: {id: bomb}\nx-bomb:\n"
        + b"\n".join(b"  " + x for x in lines)
        + b"\n"
    )


def _deep_block(depth: int) -> bytes:
    body = b"".join(b"  " * i + b"k:\n" for i in range(depth))
    return (
        NATIVE_YAML
        + b"metadata: {id: deep}\nx-deep:\n"
        + b"\n".join(b"  " + x for x in body.splitlines())
        + b"\n"
    )


HOSTILE = {
    "alias-bomb-9x9": _alias_bomb(9, 9),
    "alias-bomb-20x2": _alias_bomb(20, 2),
    "deep-flow-100k": NATIVE_YAML + b"metadata: " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
    "deep-flow-json-100k": b'{"apiVersion": "synthgov/v1", "kind": "DatasetCard", "metadata": '
    + b"[" * 100_000
    + b"]" * 100_000
    + b"}",
    "deep-block-2000": _deep_block(2000),
    "huge-scalar": NATIVE_YAML + b"metadata: {id: big}\nx-big: " + b"x" * 3_000_000 + b"\n",
    "many-documents": (NATIVE_YAML + b"metadata: {id: many}\n---\n") * 20_000,
    "many-keys": NATIVE_YAML
    + b"metadata: {id: keys}\nx-keys:\n"
    + b"".join(b"  k%d: %d\n" % (i, i) for i in range(200_000)),
    "nul-bytes": NATIVE_YAML + b"metadata: {id: \x00\x00}\n",
    "utf16-bom": "apiVersion: synthgov/v1\nkind: DatasetCard\n".encode("utf-16"),
    "python-tags": NATIVE_YAML + b"metadata: !!python/object/apply:os.system ['touch PWNED']\n",
    "long-line": NATIVE_YAML + b"metadata: {id: " + b"a" * 5_000_000 + b"}\n",
    "json-huge-number": NATIVE_JSON + b'"metadata": {"id": "n"}, "x-n": 1' + b"0" * 100_000 + b"}",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files(name: str) -> None:
    suffix = ".json" if "json" in name else ".yaml"
    with _repo({f"card{suffix}": HOSTILE[name]}) as root:
        report = check_run(root)
        assert report is not None
        assert not (root / "PWNED").exists()
        if name == "utf16-bom":  # the sniffer does not recognise UTF-16 bytes: not a document
            assert report["summary"]["files"] == 0
        elif name != "many-documents":
            assert report["findings"], "a hostile file must be reported"


def _fs_oddities(root: Path) -> None:
    (root / "loop.yaml").symlink_to("loop.yaml")
    (root / "a.yaml").symlink_to("b.yaml")
    (root / "b.yaml").symlink_to("a.yaml")
    (root / "dangling.yaml").symlink_to("nowhere/card.yaml")
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to("..")  # a directory loop
    (root / "folder.yaml").mkdir()
    os.mkfifo(root / "fifo.yaml")
    (root / "card.yaml").write_bytes(
        NATIVE_YAML
        + b"metadata: {id: odd, owner: o@x.example}\n"
        + b"files:\n  - {path: fifo.yaml, sha256: "
        + b"0" * 64
        + b"}\n  - {path: loop.yaml}\n  - {path: folder.yaml}\n  - {path: /dev/zero, size: 1}\n"
    )


def test_symlink_loops_fifos_and_folders() -> None:
    with _repo({}) as root:
        _fs_oddities(root)
        report = check_run(root)
        assert report is not None
        by_path = {f["path"] for f in report["findings"] if f["rule"] == "SG001"}
        assert {"loop.yaml", "a.yaml", "b.yaml", "dangling.yaml", "fifo.yaml"} <= by_path


@pytest.mark.slow
def test_symlink_loops_and_fifos_in_a_subprocess() -> None:
    """The same tree through the real executable: no hang (a FIFO is never opened for
    reading), no traceback."""
    with _repo({}) as root:
        _fs_oddities(root)
        env = {**os.environ, "SYNTHGOV_TODAY": TODAY, "SYNTHGOV_CACHE_DIR": str(root.parent / "c")}
        for args in (["check"], ["check", "--format", "json"], ["check", "fifo.yaml", "card.yaml"]):
            proc = subprocess.run(
                [sys.executable, "-m", "synthgov", *args],
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert proc.returncode == 1, proc.stderr
            assert "Traceback" not in proc.stderr


def _check_without_read_override(root: Path) -> dict[str, Any]:
    """``synthgov check --format json --no-cache`` in a real subprocess that cannot read
    files whose mode forbids it. As root, chmod 000 does not stop reading: the subprocess
    then runs under ``setpriv`` without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH. Root keeps
    its uid, so the interpreter and a clone under a 0700 folder (/root, a ``mktemp -d``
    folder) stay readable, and the test process itself never changes identity or folder."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "as root this test needs setpriv (util-linux) to drop CAP_DAC_OVERRIDE"
        caps = "-dac_override,-dac_read_search"
        prefix = [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", "--"]
    env = {**os.environ, "SYNTHGOV_TODAY": TODAY, "NO_COLOR": "1"}
    env["SYNTHGOV_CACHE_DIR"] = str(root.parent / "cache")
    argv = [*prefix, sys.executable, "-m", "synthgov", "check", "--format", "json", "--no-cache"]
    proc = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    return json.loads(proc.stdout)


def test_unreadable_files() -> None:
    with tempfile.TemporaryDirectory(prefix="sg-perm-") as tmp:
        os.chmod(tmp, 0o755)
        root = Path(tmp) / "repo"
        root.mkdir(mode=0o755)
        (root / "locked").mkdir(mode=0o755)
        card = root / "card.yaml"
        card.write_bytes(
            NATIVE_YAML
            + b"metadata: {id: ok, owner: o@x.example}\nfiles: [{path: locked/data.bin, sha256: "
            + b"0" * 64
            + b"}]\n"
        )
        os.chmod(card, 0o644)
        secret = root / "secret.yaml"
        secret.write_bytes(NATIVE_YAML + b"metadata: {id: secret}\n")
        data = root / "locked" / "data.bin"
        data.write_bytes(b"data")
        check_run(root)  # readable
        os.chmod(secret, 0)
        os.chmod(data, 0)
        try:
            report = _check_without_read_override(root)
        finally:
            os.chmod(secret, 0o644)
            os.chmod(data, 0o644)
        unreadable = [f for f in report["findings"] if f["path"] == "secret.yaml"]
        assert [f["rule"] for f in unreadable] == ["SG001"]
        assert "Permission denied" in unreadable[0]["message"]


# --------------------------------------------------------------------------- regressions


def _regression_files() -> list[Path]:
    return sorted(p for p in REGRESSIONS.rglob("*") if p.is_file() and p.name != "NOTES.txt")


@pytest.mark.parametrize("case", _regression_files(), ids=lambda p: p.name)
def test_regression_corpus(case: Path) -> None:
    """Each file that once broke synthgov, alone in a repository, under its own name."""
    with _repo({case.name: case.read_bytes()}) as root:
        check_run(root)


def test_regression_corpus_in_one_subprocess_run() -> None:
    files = _regression_files()
    assert files, "the regression corpus is empty"
    with _repo({p.name: p.read_bytes() for p in files}) as root:
        env = {**os.environ, "SYNTHGOV_TODAY": TODAY, "SYNTHGOV_CACHE_DIR": str(root.parent / "c")}
        proc = subprocess.run(
            [sys.executable, "-m", "synthgov", "check", "--format", "json"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode in (0, 1), proc.stderr
        assert "Traceback" not in proc.stderr
        for finding in json.loads(proc.stdout)["findings"]:
            _check_finding(root, finding)


def test_regression_notes_list_every_file() -> None:
    notes = (REGRESSIONS / "NOTES.txt").read_text(encoding="utf-8")
    for path in _regression_files():
        assert path.name in notes, f"{path.name} is not described in NOTES.txt"
