"""The command line: a thin Typer shell over the core; one table maps errors to exit codes.

Heavy modules are imported inside the commands so ``htscreen --help`` stays fast.
"""

from __future__ import annotations

import errno
import functools
import os
import select
import sys
from collections.abc import Callable
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer

from screen.app import completion, environment, fields
from screen.app.framing import MAX_RECORD_BYTES
from screen.errors import (
    InputError,
    InterviewInterrupted,
    OutputClosed,
    OutputError,
    RulebookError,
    ScreenError,
    UsageError,
)
from screen.version import __version__

if TYPE_CHECKING:
    from screen.app.batch import Outcome
    from screen.app.settings import Settings


class ExitCode(IntEnum):
    """Exit statuses of htscreen."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    RULEBOOK_INVALID = 3
    INPUT_ERROR = 4
    INTERNAL = 70
    INTERRUPTED = 130


EXIT_CODES: tuple[tuple[type[BaseException], ExitCode], ...] = (
    (RulebookError, ExitCode.RULEBOOK_INVALID),
    (UsageError, ExitCode.USAGE),
    (InputError, ExitCode.INPUT_ERROR),
    (OutputClosed, ExitCode.OK),
    (OutputError, ExitCode.INPUT_ERROR),
    (InterviewInterrupted, ExitCode.INTERRUPTED),
    (KeyboardInterrupt, ExitCode.INTERRUPTED),
    (ScreenError, ExitCode.INPUT_ERROR),
)
"""The one place that maps errors to exit codes (most specific first)."""

app = typer.Typer(
    name="htscreen",
    help="Screen for human trafficking hidden behind other offences.\n\n"
    "Interview an encountered person, screen incident notes in bulk, and work on the "
    "rulebook that drives both. Nothing leaves this machine.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="Validate, test, list and show the rulebook.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        "-r",
        help="Rulebook to use (default: $HTSCREEN_RULES, else indicators.yaml in the current "
        "folder or a parent, else the shipped one; 'htscreen config' shows which).",
        show_default=False,
    ),
]
OffenceOption = Annotated[
    str | None,
    typer.Option(
        help="Cover offence: prostitution, domestic_abuse, assault, labour_dispute, "
        "immigration, traffic_stop, other.",
        autocompletion=completion.offences,
    ),
]
F = TypeVar("F", bound=Callable[..., Any])


def exit_code_for(error: BaseException) -> ExitCode:
    """Return the exit code for ``error`` from :data:`EXIT_CODES`."""
    for kind, code in EXIT_CODES:
        if isinstance(error, kind):
            return code
    raise error


def report_error(error: BaseException) -> None:
    """Print ``error`` to stderr for a user: what happened and what to do."""
    from screen.app import render

    render.print_error(error, no_color=environment.current().no_color)


def batch_exit(outcome: Outcome) -> ExitCode:
    """The exit code of a batch run: 4 if any record failed, 1 for --fail-on, else 0."""
    if outcome.totals.errors:
        return ExitCode.INPUT_ERROR
    return ExitCode.FINDINGS if outcome.failed_on else ExitCode.OK


def _version(value: bool) -> None:
    if value:
        typer.echo(f"htscreen {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Screen for human trafficking hidden behind other offences."""


def resolve_rules(
    rules: Path | None, env: environment.Environment, always: bool = True, quiet: bool = False
) -> Path:
    """Return the rulebook path a command should use, and name it on stderr.

    ``always=False`` names it only when stderr is a terminal (batch, interview and
    explain, whose outputs carry the rulebook themselves); ``quiet`` never does.
    """
    from screen.app.rulebooks import choose_rulebook, file_sha256, rulebook_notice

    choice = choose_rulebook(rules, env)
    if not quiet and (always or env.stderr_tty):
        typer.echo(rulebook_notice(choice, file_sha256(choice.path)), err=True)
    return choice.path


def local_settings(rules: Path | None, env: environment.Environment) -> Settings:
    """The settings file for this run (``htscreen.toml``), or empty settings."""
    from screen.app.rulebooks import choose_rulebook
    from screen.app.settings import find_settings

    return find_settings(env, choose_rulebook(rules, env))


@rules_app.command("validate")
def rules_validate(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Rulebook to check (default: the active rulebook).", show_default=False
        ),
    ] = None,
    rules: RulesOption = None,
) -> None:
    """Check a rulebook and list every problem as file:line:column.

    Example: htscreen rules validate my-rules.yaml
    """
    from screen.app import rules as commands

    env = environment.current()
    commands.validate(resolve_rules(_one_rulebook(path, rules), env), env)


def _one_rulebook(path: Path | None, rules: Path | None) -> Path | None:
    """The rulebook named by the PATH argument or by --rules (not two different ones)."""
    if path is not None and rules is not None and path != rules:
        raise UsageError("name the rulebook once: as PATH or with --rules, not both")
    return path or rules


@rules_app.command("list")
def rules_list(
    offence: Annotated[
        str | None,
        typer.Option(
            help="Only indicators that matter for this cover offence.",
            autocompletion=completion.offences,
        ),
    ] = None,
    category: Annotated[str | None, typer.Option(help="Only this category.")] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="table, json or markdown.",
            autocompletion=completion.choices(completion.LIST_FORMATS),
        ),
    ] = "table",
    rules: RulesOption = None,
) -> None:
    """List the indicators, optionally filtered.

    Example: htscreen rules list --offence labour_dispute --format markdown
    """
    from screen.app import rules as commands

    env = environment.current()
    commands.list_indicators(resolve_rules(rules, env), offence, category, fmt, env)


@rules_app.command("show")
def rules_show(
    indicator_id: Annotated[
        str,
        typer.Argument(metavar="ID", help="Indicator id.", autocompletion=completion.indicator_ids),
    ],
    rules: RulesOption = None,
) -> None:
    """Show one indicator: weight, dimension, patterns, examples, questions, sources.

    Example: htscreen rules show documents-held-by-other
    """
    from screen.app import rules as commands

    env = environment.current()
    commands.show_indicator(resolve_rules(rules, env), indicator_id, env)


@rules_app.command("test")
def rules_test(
    path: Annotated[
        Path | None,
        typer.Argument(help="Rulebook to test (default: the active rulebook).", show_default=False),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="table or json.",
            autocompletion=completion.choices(completion.TEST_FORMATS),
        ),
    ] = "table",
    paraphrases: Annotated[
        list[Path] | None,
        typer.Option(
            "--paraphrases",
            "-p",
            help="Paraphrase suites (JSONL files or folders): report recall and false fires "
            "per indicator.",
            show_default=False,
        ),
    ] = None,
    sealed: Annotated[
        bool,
        typer.Option(help="Print only the figures of the paraphrases, never their text."),
    ] = False,
    rules: RulesOption = None,
) -> None:
    """Run every indicator's match and no_match examples, and paraphrase suites.

    Examples: htscreen rules test;
    htscreen rules test --paraphrases tests/data/paraphrases/tuning
    """
    from screen.app import rules as commands

    env = environment.current()
    chosen = _one_rulebook(path, rules)
    failed = commands.test_examples(
        resolve_rules(chosen, env), fmt, env, tuple(paraphrases or ()), sealed
    )
    raise typer.Exit(ExitCode.FINDINGS if failed else ExitCode.OK)


BATCH_HELP = f"""Screen incident notes in bulk: one result per note, with evidence.

Example: htscreen batch examples/incident-notes.csv --format jsonl -o results.jsonl

{fields.help_text()}

A summary (counts per level, failed records with the reason, warnings, the
output and the time taken) goes to stderr at a terminal or with --summary;
without it failed records and warnings still do; --quiet prints none of it.
"""


@app.command(help=BATCH_HELP)
def batch(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PATH ...|-]",
            help="Files, folders (recursive; see --glob) or - for stdin.",
            show_default=False,
        ),
    ] = None,
    input_format: Annotated[str, typer.Option(help="auto, text, jsonl or csv.")] = "auto",
    glob: Annotated[
        list[str] | None,
        typer.Option(
            "--glob",
            help="Files of a folder to read, by name (repeatable; default: *.txt, one note "
            "per file). E.g. --glob '*.jsonl' --glob '*.csv' reads exports by their suffix.",
            show_default=False,
        ),
    ] = None,
    id_field: Annotated[str | None, typer.Option(help="Field holding the note id.")] = None,
    text_field: Annotated[str | None, typer.Option(help="Field holding the narrative.")] = None,
    date_field: Annotated[str | None, typer.Option(help="Field holding the report date.")] = None,
    offence_field: Annotated[
        str | None, typer.Option(help="Field holding the cover offence.")
    ] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of the input.")] = "utf-8",
    max_record_bytes: Annotated[
        int,
        typer.Option(
            help="A record (JSONL line, CSV record or text file) over this many bytes is an "
            "error record, read past without being held."
        ),
    ] = MAX_RECORD_BYTES,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="table, jsonl, json or csv (default: htscreen.toml's format, else table).",
            autocompletion=completion.choices(completion.BATCH_FORMATS),
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here instead of stdout (created owner-only)."),
    ] = None,
    min_level: Annotated[
        str | None,
        typer.Option(
            help="Only output and list records at this level or more urgent (L0 most urgent; "
            "default: every record, and the table lists L0-L3).",
            show_default=False,
        ),
    ] = None,
    fail_on: Annotated[
        str | None, typer.Option(help="Exit 1 if any note reaches this level or a more urgent one.")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", help="Worker processes (default: one per core).", show_default=False
        ),
    ] = None,
    redact: Annotated[bool, typer.Option(help="Leave note text out of the output.")] = False,
    suggest: Annotated[
        bool,
        typer.Option(
            help="Add the learned layer's suggestions: signs no rule found, with their "
            "sentence (shown, never counted; about twice the time per note)."
        ),
    ] = False,
    resume: Annotated[
        bool, typer.Option(help="Continue an interrupted run into --output.")
    ] = False,
    jurisdiction: Annotated[str | None, typer.Option(help="us-federal or palermo.")] = None,
    rules: RulesOption = None,
    engine: Annotated[
        str,
        typer.Option(
            help="local, or dask to screen on a Dask cluster into part files in --output DIR."
        ),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler address, e.g. tcp://host:8786 (default: two local workers)."
        ),
    ] = None,
    reference_date: Annotated[
        str | None,
        typer.Option(
            help="Count a date of birth to this date (YYYY-MM-DD) when a record has no date "
            "(default: today).",
            show_default=False,
        ),
    ] = None,
    summary: Annotated[
        bool, typer.Option("--summary", help="Print the summary on stderr even when piped.")
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="No summary and no warnings on stderr (errors only)."),
    ] = False,
) -> None:
    """Screen incident notes in bulk (the help text is :data:`BATCH_HELP`)."""
    from screen.app import batchrun
    from screen.app.batch import BatchRequest
    from screen.app.inputs import FOLDER_GLOBS, ReadOptions

    env = environment.current()
    if not paths and env.stdin_tty:
        typer.echo(ctx.get_usage(), err=True)
        typer.echo(
            "htscreen: batch needs notes to read: give files or folders, or - to read "
            "stdin (see htscreen batch --help)",
            err=True,
        )
        raise typer.Exit(ExitCode.USAGE)
    local = local_settings(rules, env)
    rules_path = resolve_rules(rules, env, always=False, quiet=quiet)
    if jurisdiction is None and local.get("jurisdiction"):
        _check_settings(local, rules_path, env)
    read = ReadOptions(
        input_format,
        id_field,
        text_field,
        date_field,
        offence_field,
        encoding,
        tuple(glob) if glob else FOLDER_GLOBS,
        max_record_bytes,
    )
    request = BatchRequest(
        tuple(paths or ["-"]),
        rules_path,
        read,
        fmt or local.get("format") or "table",
        output,
        min_level,
        fail_on,
        jobs,
        redact,
        resume,
        jurisdiction or local.get("jurisdiction"),
        engine,
        scheduler,
        _iso_date("--reference-date", reference_date),
        summary,
        quiet,
        suggest,
    )
    raise typer.Exit(batch_exit(batchrun.run(request, env)))


def _iso_date(option: str, value: str | None) -> date | None:
    """``value`` as a date, or a usage error that says the form."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} takes a date as YYYY-MM-DD, not '{value}'") from None


@app.command()
def explain(
    text: Annotated[
        str,
        typer.Argument(metavar="TEXT|-", help="The note's text, or - to read it from stdin."),
    ],
    offence: Annotated[
        str | None,
        typer.Option(help="Cover offence, as in an export (e.g. labour_dispute, DV)."),
    ] = None,
    when: Annotated[
        str | None,
        typer.Option("--date", help="The note's date (YYYY-MM-DD), for ages from a date of birth."),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    jurisdiction: Annotated[str | None, typer.Option(help="us-federal or palermo.")] = None,
    rules: RulesOption = None,
) -> None:
    """Show why one note gets its level: each pattern that fired or nearly fired.

    For each: the pattern, the span, the cue that set its status and how far the cue
    reaches, or why it did not fire (a part missing, too far apart, cancelled by an
    unless phrase, inside a longer hit); then the ILO dimensions and the rule that
    gave the level. Trainers use it with --rules to debug a rule.

    Example: htscreen explain "V said mgr has her ppt and she cannot leave" --offence DV
    """
    from screen.app import explain as command

    env = environment.current()
    request = command.ExplainRequest(
        text,
        resolve_rules(rules, env, always=False),
        offence,
        _iso_date("--date", when),
        fmt,
        jurisdiction,
    )
    command.run(request, env)


@app.command()
def interview(
    offence: OffenceOption = None,
    form: Annotated[
        str,
        typer.Option(
            help="short (core questions) or full.",
            autocompletion=completion.choices(("short", "full")),
        ),
    ] = "short",
    lang: Annotated[
        str | None,
        typer.Option(
            help="Language the questions are asked in: en or es (default: htscreen.toml's "
            "language, else en).",
            autocompletion=completion.languages,
            show_default=False,
        ),
    ] = None,
    jurisdiction: Annotated[str | None, typer.Option(help="us-federal or palermo.")] = None,
    case_ref: Annotated[str | None, typer.Option(help="Case reference for the report.")] = None,
    answers: Annotated[
        Path | None, typer.Option(help="Replay answers from a YAML or JSON file instead of asking.")
    ] = None,
    save: Annotated[
        Path | None, typer.Option(help="Autosave file (default: your data folder).")
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Write the referral report here.")] = None,
    report_format: Annotated[
        str | None,
        typer.Option(
            help="markdown, html or json (default: htscreen.toml's report_format, else markdown).",
            autocompletion=completion.choices(completion.REPORT_FORMATS),
            show_default=False,
        ),
    ] = None,
    plain: Annotated[
        bool, typer.Option(help="No colour or box drawing (screen readers, logs).")
    ] = False,
    note: Annotated[
        str | None,
        typer.Option(
            help="Start from an incident note: a text file, or an export (JSONL, CSV, "
            "Parquet) with --note-id. Its signs are proposed as answers to confirm, then "
            "only the questions that could change the level are asked."
        ),
    ] = None,
    note_id: Annotated[
        str | None, typer.Option(help="The record of the --note export to start from.")
    ] = None,
    officer: Annotated[
        str | None, typer.Option(help="Who runs the interview (shown in the report).")
    ] = None,
    location: Annotated[
        str | None, typer.Option(help="Where the interview takes place (shown in the report).")
    ] = None,
    interpreter: Annotated[
        str | None,
        typer.Option(help="The interpreter, if one takes part (shown in the report)."),
    ] = None,
    rules: RulesOption = None,
) -> None:
    """Run the screening interview for a person met at a scene or station.

    Example: htscreen interview --offence labour_dispute --report case-123.md

    Following up a flagged note: htscreen interview --note export.jsonl --note-id R-1042
    """
    from screen.app import interview as interviewrun
    from screen.app.session import InterviewRequest

    env = environment.current()
    local = local_settings(rules, env)
    request = InterviewRequest(
        offence,
        form,
        lang or local.get("language") or "en",
        jurisdiction or local.get("jurisdiction"),
        case_ref,
        answers,
        save,
        report,
        report_format or local.get("report_format") or "markdown",
        plain,
        note,
        note_id,
        officer,
        location,
        interpreter,
    )
    interviewrun.run(request, resolve_rules(rules, env, always=False), env, local)


@app.command()
def evaluate(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="LABELLED...",
            help="JSONL or CSV files (or folders of them) with an expected_level or a "
            "refer/no-referral label.",
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="table or json.",
            autocompletion=completion.choices(completion.TEST_FORMATS),
        ),
    ] = "table",
    text_field: Annotated[str | None, typer.Option(help="Field holding the narrative.")] = None,
    jurisdiction: Annotated[str | None, typer.Option(help="us-federal or palermo.")] = None,
    sealed: Annotated[
        bool,
        typer.Option(help="Figures only: no note ids, misses or evidence (for a sealed set)."),
    ] = False,
    rules: RulesOption = None,
) -> None:
    """Measure the rulebook on labelled notes: sensitivity, specificity, PPV, misses.

    Figures overall and per cover offence, language, kind of exploitation and
    look-alike; at every level cut and screening-score threshold; precision per
    indicator. Example: htscreen evaluate tests/data/corpus/tuning --sealed
    """
    from screen.app import rules as commands

    env = environment.current()
    local = local_settings(rules, env)
    rules_path = resolve_rules(rules, env)
    if jurisdiction is None and local.get("jurisdiction"):
        _check_settings(local, rules_path, env)
    chosen = jurisdiction or local.get("jurisdiction")
    commands.evaluate_labelled(rules_path, tuple(paths), fmt, text_field, chosen, env, sealed)


@rules_app.command("train")
def rules_train(
    paraphrases: Annotated[
        list[Path],
        typer.Option(
            "--paraphrases",
            "-p",
            help="Paraphrase suites to learn from (JSONL files or folders).",
            show_default=False,
        ),
    ],
    path: Annotated[
        Path | None,
        typer.Argument(help="Rulebook (default: the active rulebook).", show_default=False),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Model file to write (default: the one the rulebook names, beside it).",
            show_default=False,
        ),
    ] = None,
    c: Annotated[
        float,
        typer.Option("--c", min=0.01, max=1000.0, help="Inverse L2 penalty: larger fits closer."),
    ] = 4.0,
    rules: RulesOption = None,
) -> None:
    """Train the learned layer on paraphrase suites and the rulebook's examples.

    Prints the sha256 to put in the rulebook's learned section. Example:
    htscreen rules train --paraphrases tests/data/paraphrases/tuning
    """
    from screen.app import rules as commands

    env = environment.current()
    commands.train_model(
        resolve_rules(_one_rulebook(path, rules), env), tuple(paraphrases), output, c, env
    )


@rules_app.command("export")
def rules_export(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="grep (one POSIX ERE per line, for grep -E -i -f) or json.",
            autocompletion=completion.choices(completion.EXPORT_FORMATS),
        ),
    ] = "grep",
    rules: RulesOption = None,
) -> None:
    """Export the compiled pattern expressions, e.g. for a grep comparison.

    Example: htscreen rules export > patterns.txt && grep -E -i -c -f patterns.txt notes.jsonl
    """
    from screen.app import rules as commands

    env = environment.current()
    commands.export_patterns(resolve_rules(rules, env), fmt, env)


@app.command()
def config(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="table or json.",
            autocompletion=completion.choices(completion.TEST_FORMATS),
        ),
    ] = "table",
    rules: RulesOption = None,
) -> None:
    """Show the rulebook and settings file in use, each setting and where it came from.

    Settings come from htscreen.toml: $HTSCREEN_CONFIG, else htscreen.toml in the
    current folder or a parent, else one next to the rulebook. Example: htscreen config
    """
    from screen.app.configview import show_config

    env = environment.current()
    show_config(rules, fmt, env)


def _check_settings(local: Settings, rules_path: Path, env: environment.Environment) -> None:
    """Check the settings file against the rulebook, so a bad value is named by file:line."""
    from screen.app.rulebooks import load_rulebook, store_of
    from screen.app.settings import check_against

    check_against(local, load_rulebook(rules_path, store_of(env)))


WRITE_FAILURES = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)
"""Errors of a failing disk or device: an output error (exit 4), never an internal one."""


def _guarded(command: F) -> F:
    """``command``, with a closed stdout and a failing disk turned into the errors above.

    Click would turn a broken pipe into exit 1, before :func:`main` sees it.
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            if not _stdout_closed():
                raise
            raise OutputClosed("stdout was closed") from None
        except OSError as exc:
            if exc.errno not in WRITE_FAILURES:
                raise
            raise OutputError(f"cannot write the output: {exc.strerror}") from None

    return cast(F, run)


def _stdout_closed() -> bool:
    """Whether nobody reads stdout any more (the pipe's reader has gone)."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(event & select.POLLERR for _, event in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False


for _group in (app, rules_app):
    for _info in _group.registered_commands:
        if _info.callback is not None:
            _info.callback = _guarded(_info.callback)


def main(argv: list[str] | None = None) -> int:
    """Run htscreen; return the exit code (the console-script entry point)."""
    try:
        result = app(args=argv, prog_name="htscreen", standalone_mode=False)
    except typer.Exit as done:
        return int(done.exit_code or 0)
    except typer.TyperException as exc:
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            typer.echo(f"htscreen: {exc.format_message()}", err=True)
        return int(ExitCode.USAGE)
    except typer.Abort:
        report_error(KeyboardInterrupt())
        return int(ExitCode.INTERRUPTED)
    except OutputClosed:
        _quiet_stdout()
        return int(ExitCode.OK)
    except (ScreenError, KeyboardInterrupt) as exc:
        report_error(exc)
        if isinstance(exc, OutputError):
            _quiet_stdout()  # what stdout still holds cannot be written either
        return int(exit_code_for(exc))
    except Exception as exc:  # a bug: say so without echoing any data
        if environment.current().debug:
            raise
        typer.echo(
            f"htscreen: internal error ({type(exc).__name__}). Please report it; set "
            "HTSCREEN_DEBUG=1 to see the traceback.",
            err=True,
        )
        return int(ExitCode.INTERNAL)
    return int(result) if isinstance(result, int) else int(ExitCode.OK)


def _quiet_stdout() -> None:
    """Point stdout at the null device, so the flush at exit cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError):  # not a real file (a test's stream): nothing to flush
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
