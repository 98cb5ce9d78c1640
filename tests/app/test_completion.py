"""Shell completion of option values: the callbacks, and one real completion request."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

from screen.app import completion
from screen.app.formats import FORMATS
from screen.model import OFFENCES
from tests.conftest import MINIMAL, ROOT


def test_offences_complete_from_what_was_typed() -> None:
    assert completion.offences("lab") == ["labour_dispute"]
    assert completion.offences("") == list(OFFENCES)
    assert completion.offences("x") == []


def test_formats_complete_per_command() -> None:
    assert completion.choices(completion.BATCH_FORMATS)("j") == ["jsonl", "json"]
    assert completion.BATCH_FORMATS == FORMATS
    assert completion.choices(completion.LIST_FORMATS)("m") == ["markdown"]
    assert completion.choices(completion.EXPORT_FORMATS)("") == ["grep", "json"]


def test_languages_and_ids_come_from_the_rulebook_on_the_line() -> None:
    ctx = SimpleNamespace(params={"rules": str(MINIMAL)})
    assert completion.languages(ctx, "") == ["en", "es"]
    assert completion.indicator_ids(ctx, "documents") == ["documents-held"]
    assert completion.indicator_ids(ctx, "free") == ["not-free-to-leave"]


def test_ids_starting_with_the_text_come_before_ids_containing_it(shipped) -> None:
    ctx = SimpleNamespace(params={"rules": shipped.source})
    found = completion.indicator_ids(ctx, "documents-held")
    assert found[0] == "documents-held-by-other"
    assert all(i.startswith("documents-held") for i in found)
    assert completion.indicator_ids(ctx, "held-by") == ["documents-held-by-other"]


def test_an_unreadable_rulebook_completes_nothing(tmp_path) -> None:
    ctx = SimpleNamespace(params={"rules": str(tmp_path / "nope.yaml")})
    assert completion.indicator_ids(ctx, "") == [] and completion.languages(ctx, "") == []


def test_the_shell_gets_the_values() -> None:
    env = {
        **os.environ,
        "_HTSCREEN_COMPLETE": "complete_bash",
        "COMP_WORDS": f"htscreen rules show --rules {MINIMAL} not",
        "COMP_CWORD": "5",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from screen.app.cli import main; sys.exit(main())"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.split() == ["not-free-to-leave"], done.stderr
