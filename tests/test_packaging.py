"""The wheel ships every module: pyproject.toml lists packages explicitly (policies/ and
schemas/ are mapped into the package), so a new subpackage must be listed there too, and every
data file inside the package must be matched by a package-data pattern. A wheel without
``synthgov/models/`` once passed every test run from the source tree."""

from __future__ import annotations

import fnmatch
import tomllib

from tests.conftest import ROOT


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]


def test_every_python_folder_is_a_listed_package() -> None:
    listed = set(_setuptools()["packages"])
    folders = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "synthgov").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    missing = sorted(folders - listed)
    assert not missing, f"add these packages to [tool.setuptools] packages: {missing}"
    for name in folders:
        assert (ROOT / name.replace(".", "/") / "__init__.py").is_file(), name


def test_every_data_file_in_the_package_ships() -> None:
    package_data: dict[str, list[str]] = _setuptools().get("package-data", {})
    unshipped = []
    for path in sorted((ROOT / "synthgov").rglob("*")):
        if not path.is_file() or path.suffix in {".py", ".pyc"} or "__pycache__" in path.parts:
            continue
        package = ".".join(path.parent.relative_to(ROOT).parts)
        patterns = package_data.get(package, []) + package_data.get("*", [])
        if not any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns):
            unshipped.append(str(path.relative_to(ROOT)))
    assert not unshipped, f"add package-data patterns for: {unshipped}"
