"""Shared fixtures: rulebooks, a CLI runner, golden files."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from screen.app.rulebooks import load_rulebook
from screen.app.storage import Store
from screen.matching.matcher import Matcher, compile_matcher
from screen.model import Rulebook
from screen.version import __version__

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
MINIMAL = DATA / "rulebooks" / "valid_minimal.yaml"
SHIPPED = ROOT / "indicators.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden files from the current output"
    )


def default_sigint() -> None:
    """For a child process: take Ctrl-C the normal way even if the test runner ignores it.

    A shell starts background jobs with SIGINT ignored, and children inherit that;
    Python then never raises KeyboardInterrupt, so the interrupt tests would test nothing.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the whole session: the shipped phrase scanner compiles once (~6 s)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _stable_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, shared_cache: Path) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("HTSCREEN_CACHE", str(shared_cache))
    monkeypatch.setenv("HTSCREEN_DATA", str(tmp_path / "interviews"))
    monkeypatch.delenv("HTSCREEN_RULES", raising=False)
    monkeypatch.delenv("HTSCREEN_CONFIG", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def store_at(folder: Path) -> Store:
    """The cache store htscreen would use in ``folder``."""
    return Store(folder, __version__)


@pytest.fixture(scope="session")
def minimal() -> Rulebook:
    return load_rulebook(MINIMAL)


@pytest.fixture(scope="session")
def minimal_matcher(minimal: Rulebook) -> Matcher:
    return compile_matcher(minimal)


@pytest.fixture(scope="session")
def shipped() -> Rulebook:
    return load_rulebook(SHIPPED)


@pytest.fixture(scope="session")
def shipped_matcher(shipped: Rulebook, shared_cache: Path) -> Matcher:
    return compile_matcher(shipped, store_at(shared_cache))


class Golden:
    """Compare text with a golden file; rewrite it under --update-golden."""

    def __init__(self, update: bool) -> None:
        self.update = update

    def check(self, name: str, actual: str) -> None:
        path = DATA / "golden" / name
        if self.update or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            if not self.update:
                pytest.fail(f"golden file {name} was missing and has been written; review it")
        assert actual == path.read_text(encoding="utf-8"), f"output differs from golden/{name}"


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(bool(request.config.getoption("--update-golden")))


class Result:
    """What a CLI run gave: exit code, stdout and stderr."""

    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr


def run_cli(*args: str, stdin: bytes = b"") -> Result:
    """Run the CLI in-process with captured streams (no terminal)."""
    import contextlib
    import io
    import sys

    from screen.app.cli import main

    out, err = io.StringIO(), io.StringIO()
    fake_in = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    old_in = sys.stdin
    sys.stdin = fake_in
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        sys.stdin = old_in
    return Result(code, out.getvalue(), err.getvalue())


os.environ.setdefault("NO_COLOR", "1")
