"""After a non-editable install, commands use the rulebook being edited, found upwards."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """htscreen installed from a built wheel into a folder of its own (no network)."""
    pytest.importorskip("hatchling", reason="the build backend comes with the test extra")
    target = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (target / "screen" / "data" / "indicators.yaml").is_file()
    return target


def htscreen(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HTSCREEN_RULES")}
    env["PYTHONPATH"] = str(site)
    return subprocess.run(
        [sys.executable, "-m", "screen", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_subfolder_of_a_project_uses_its_edited_rulebook(installed: Path, tmp_path) -> None:
    project = tmp_path / "training"
    subfolder = project / "notes" / "2026"
    subfolder.mkdir(parents=True)
    rulebook = project / "indicators.yaml"
    rulebook.write_text(MINIMAL.read_text().replace('version: "test-1"', 'version: "edited-3"'))
    imported = subprocess.run(
        [sys.executable, "-c", "import screen; print(screen.__file__)"],
        cwd=subfolder,
        env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert imported.stdout.strip().startswith(str(installed)), "the installed copy is used"

    valid = htscreen(installed, subfolder, "rules", "validate")
    assert valid.returncode == 0, valid.stderr
    assert f"{rulebook}: valid — rulebook edited-3" in valid.stdout
    assert f"rulebook {rulebook} (found in the current folder or a parent" in valid.stderr

    rulebook.write_text(rulebook.read_text().replace("weight: strong", "weigth: strong", 1))
    typo = htscreen(installed, subfolder, "rules", "validate")
    assert typo.returncode == 3 and "valid —" not in typo.stdout
    assert f"{rulebook}:" in typo.stderr and "'weigth'" in typo.stderr
