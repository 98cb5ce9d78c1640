"""The benchmark's own virtual environments: the previous engine and the spaCy peer.

    python bench/envs.py            # build both (once; later runs reuse them)

Both live under ``bench/.envs/`` (ignored by git) and never touch the project's
own environment:

* ``prev``: the engine before matching engine v4 (commit ``d377874``), taken
  with ``git archive`` (no worktree is registered) and installed with
  ``pip install -e`` into a venv of its own, run with its own Python;
* ``peer``: ``spacy`` and ``negspacy`` from PyPI, for ``bench/peer.py``.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENVS = HERE / ".envs"
PREVIOUS = "d377874"
"""The last commit before matching engine v4 (15986c2)."""


def _venv(folder: Path, packages: list[str]) -> Path:
    python = folder / "bin" / "python"
    if not python.exists():
        venv.create(folder, with_pip=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", *packages],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return python


def peer_python() -> Path:
    """The Python of the peer's venv (spaCy and negspacy installed)."""
    python = ENVS / "peer" / "bin" / "python"
    if not python.exists():
        _venv(ENVS / "peer", ["spacy", "negspacy"])
    return python


def previous_engine(commit: str = PREVIOUS) -> tuple[Path, Path]:
    """The Python of the previous engine's venv, and the rulebook that commit shipped."""
    source = ENVS / f"{commit}-src"
    if not (source / "pyproject.toml").exists():
        source.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile() as archive:
            subprocess.run(
                ["git", "-C", str(HERE.parent), "archive", commit],
                check=True,
                stdout=archive,
            )
            archive.seek(0)
            with tarfile.open(fileobj=archive) as tar:
                tar.extractall(source, filter="data")
    python = ENVS / commit / "bin" / "python"
    if not python.exists():
        _venv(ENVS / commit, ["-e", str(source)])
    return python, source / "indicators.yaml"


if __name__ == "__main__":
    print(peer_python(), *previous_engine(), file=sys.stdout)
