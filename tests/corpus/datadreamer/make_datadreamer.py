"""Make a real DataDreamer ``datadreamer.json`` and ``README.md`` (tests/corpus/SOURCES.md).

Not run by the tests. Run it in a throwaway environment with DataDreamer installed, outside
the repository (tests/corpus/SOURCES.md names the versions used):

    python -m venv /work/venvs/dd
    /work/venvs/dd/bin/pip install "datadreamer.dev==0.46.0" "datasets==3.2.0" "pyarrow<19"
    cd "$(mktemp -d)" && /work/venvs/dd/bin/python .../make_datadreamer.py OUT_DIR

It runs a small DataDreamer session offline: a ``DataSource`` step from in-memory rows, a
``Prompt`` step and a ``FilterWithPrompt`` step with DataDreamer's ``OpenAI`` LLM class whose
``_run_batch`` is replaced by canned answers, the way DataDreamer's own test fixture
``mock_llm`` does (no API key, no network, no weights), and whose token counter (tiktoken,
which downloads its encoding) counts words. The final step is then published with
``publish_to_hf_hub``; the Hugging Face Hub client (``HfApi`` and ``hf_hub_download``) is
replaced by a local folder, so every byte DataDreamer (and ``datasets``' ``push_to_hub``) would
upload is written to ``OUT_DIR/<repo name>/`` instead. Everything else is DataDreamer's code.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest import mock

REPO_ID = "synthgov-dev/paper-abstracts"
TITLES = [
    "Counting Synthetic Rows in Public Datasets",
    "Model Diversity in Instruction Tuning Data",
    "Validating Generated Question Answering Pairs",
    "A Survey of Dataset Cards",
]


def _local_hub(out: Path) -> tuple[Any, ...]:
    """Stand-ins for the Hub calls: the repository is a folder."""
    from huggingface_hub import CommitOperationAdd
    from huggingface_hub.errors import EntryNotFoundError
    from huggingface_hub.hf_api import RepoFile

    def write(path_in_repo: str, data: Any) -> None:
        target = out / path_in_repo
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        elif isinstance(data, str | os.PathLike):
            target.write_bytes(Path(data).read_bytes())
        else:
            target.write_bytes(data.read())

    def download(*args: Any, **kwargs: Any) -> str:
        repo_id = kwargs.get("repo_id", args[0] if args else None)
        filename = kwargs.get("filename", args[1] if len(args) > 1 else None)
        local = out / str(filename)
        if repo_id != REPO_ID or not local.is_file():
            raise EntryNotFoundError(f"{repo_id}/{filename}: not on the local hub")
        return str(local)

    def create_commit(self: Any, repo_id: str, operations: Any, **kwargs: Any) -> Any:
        for op in operations:
            if isinstance(op, CommitOperationAdd):
                with op.as_file() as handle:
                    write(op.path_in_repo, handle.read())
        return SimpleNamespace(oid="0" * 40, commit_url="", pr_url=None)

    def upload_file(self: Any, *, path_or_fileobj: Any, path_in_repo: str, **kw: Any) -> str:
        write(path_in_repo, path_or_fileobj)
        return path_in_repo

    def list_repo_tree(self: Any, *args: Any, **kwargs: Any) -> list[Any]:
        return [
            RepoFile(path=p.relative_to(out).as_posix(), size=p.stat().st_size, oid="0")
            for p in sorted(out.rglob("*"))
            if p.is_file()
        ]

    patches = (
        mock.patch("huggingface_hub.HfApi.whoami", lambda self, *a, **k: {"name": "synthgov-dev"}),
        mock.patch(
            "huggingface_hub.HfApi.create_repo",
            lambda self, repo_id, **k: SimpleNamespace(repo_id=repo_id),
        ),
        mock.patch("huggingface_hub.HfApi.create_branch", lambda self, *a, **k: None),
        mock.patch("huggingface_hub.HfApi.preupload_lfs_files", lambda self, *a, **k: None),
        mock.patch("huggingface_hub.HfApi.create_commit", create_commit),
        mock.patch("huggingface_hub.HfApi.upload_file", upload_file),
        mock.patch("huggingface_hub.HfApi.list_repo_tree", list_repo_tree),
        mock.patch("huggingface_hub.HfApi.hf_hub_download", lambda self, *a, **k: download(*a, **k)),
        mock.patch("datadreamer.utils.hf_hub_utils.hf_hub_download", download),
    )
    return patches


def _canned(prompt: str) -> str:
    """The LLM's answers: an abstract for a title, "Yes" to the filter's question."""
    if "Respond with" in prompt or "Yes or No" in prompt or "yes" in prompt.lower()[-40:]:
        return "Yes"
    title = prompt.rsplit("Title:", 1)[-1].strip()
    return f"We study {title[0].lower()}{title[1:]} and report what we found."


def main(out_dir: str) -> int:
    from datadreamer import DataDreamer
    from datadreamer.llms import OpenAI
    from datadreamer.steps import DataSource, FilterWithPrompt, Prompt

    out = Path(out_dir) / REPO_ID.split("/")[1]
    out.mkdir(parents=True, exist_ok=False)
    answered: list[str] = []

    def run_batch(**kwargs: Any) -> list[str]:
        answered.extend(kwargs["inputs"])
        return [_canned(p) for p in kwargs["inputs"]]

    with tempfile.TemporaryDirectory() as session:
        with DataDreamer(os.path.join(session, "output")):
            llm = OpenAI("gpt-4o-mini", api_key="offline")
            llm._run_batch = run_batch  # DataDreamer's own mock_llm fixture does this
            # tiktoken downloads its encoding from the network: count words instead (it only
            # sizes prompts against the context length)
            llm.count_tokens = lambda text: len(text.split())
            titles = DataSource(
                "Paper Titles",
                data={"prompts": [f"Write a one-sentence abstract.\nTitle: {t}" for t in TITLES]},
            )
            abstracts = Prompt(
                "Generate Abstracts",
                args={"llm": llm},
                inputs={"prompts": titles.output["prompts"]},
                outputs={"generations": "abstracts"},
            )
            kept = FilterWithPrompt(
                "Filter Abstracts",
                args={"llm": llm, "instruction": "Is this a plausible abstract? Answer Yes or No."},
                inputs={"inputs": abstracts.output["abstracts"]},
            )
            patches = _local_hub(out)
            for patch in patches:
                patch.start()
            try:
                kept.publish_to_hf_hub(REPO_ID)
            finally:
                for patch in reversed(patches):
                    patch.stop()
    print(f"{len(answered)} prompts answered; wrote", *sorted(p.name for p in out.rglob("*")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
