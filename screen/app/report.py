"""The recommendation on screen (Rich) and the referral report (Markdown, HTML, JSON)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from functools import partial
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from screen.app.labels import label
from screen.app.render import as_text
from screen.decision.wording import Say
from screen.interview.state import Interview, now
from screen.model import SPECIAL_ANSWERS, Question, localise
from screen.results import Recommendation
from screen.version import __version__

LEVEL_STYLE = {
    "L0": "bold white on red",
    "L1": "bold red",
    "L2": "bold red",
    "L3": "bold yellow",
    "L4": "bold cyan",
    "L5": "bold green",
}


def recommendation_dict(rec: Recommendation) -> dict[str, Any]:
    """The recommendation as plain data."""
    data = asdict(rec)
    for dim in data["dimensions"]:
        dim["counts"] = dict(dim["counts"])
    return data


def recommendation_panel(
    rec: Recommendation, plain: bool = False, interview: Interview | None = None
) -> RenderableType:
    """The result on screen: level, reasons, signs, missing, next questions, resources.

    Compact: one line per sign that counted, by question number (the review's and the
    report's numbering). ``plain`` gives text lines only, no box drawing, for screen
    readers; the labels follow the interview's language.
    """
    lang = interview.lang if interview is not None else "en"
    say = partial(label, lang)
    counted = [
        f"{c.title} — {'; '.join(_origins(interview, c.id, short=True))}"
        if interview is not None
        else f"{c.title} — {c.provenance[0]}"
        for c in rec.counted
        if c.provenance
    ]
    sections: list[tuple[str, Sequence[str]]] = [
        (say("why"), rec.reasons),
        (say("counted"), counted or [say("none")]),
    ]
    if rec.level not in ("L0", "L1"):
        sections.append((say("missing"), rec.missing))
    sections.append((say("next"), _next_lines(rec, interview, lang) or [say("no_questions")]))
    sections.append((say("resources"), [f"{r.name}: {r.contact}" for r in rec.resources]))
    footer = say(
        "footer",
        profile=Say(lang).profile(rec.profile),
        jurisdiction=rec.jurisdiction,
        version=rec.rulebook_version,
        hash=rec.rulebook_hash,
    )
    title = f"{rec.level} · {rec.title}"
    if plain:
        lines: list[Text] = [Text(title), Text(rec.action)]
        for heading, items in sections:
            lines += [Text(""), Text(f"{heading}:"), *(Text(f"- {item}") for item in items)]
        return Group(*lines, Text(""), Text(footer))
    parts: list[Any] = [Text(rec.action)]
    parts += [_bullets(heading, items) for heading, items in sections]
    parts.append(Text(footer, style="dim"))
    return Panel(
        Group(*parts),
        title=title,
        title_align="left",
        box=box.HEAVY,
        border_style=LEVEL_STYLE.get(rec.level, ""),
    )


def level_line(rec: Recommendation, lang: str = "en", plain: bool = False) -> Text:
    """The level once more, as the last line on screen, so it is seen at 24 rows."""
    style = "" if plain else LEVEL_STYLE.get(rec.level, "")
    return Text(f"{label(lang, 'result')}: {rec.level} · {rec.title}", style=style)


def _next_lines(rec: Recommendation, interview: Interview | None, lang: str) -> list[str]:
    lines = []
    for q in rec.next_questions:
        question = interview.find(q.id) if interview is not None else None
        answer = shown_answer(question, q.answer, lang) if question else q.answer
        reach = label(lang, "would_reach", answer=answer, level=str(q.would_reach))
        lines.append(f"{q.text} ({reach})")
    return lines


def shown_answer(question: Question, value: str, lang: str) -> str:
    """An answer as the officer reads it: a choice by its words, yes/no in ``lang``."""
    for choice in question.choices:
        if choice.value == value:
            return localise(choice.text, lang)
    if value in ("yes", "no", *SPECIAL_ANSWERS):
        return label(lang, value)
    return value


def _numbers(interview: Interview) -> dict[str, int]:
    """Question id to its number in the review screen and the report's table."""
    asked = [q.id for q in interview.full_order if q.id in interview.answers]
    return {qid: number for number, qid in enumerate(asked, start=1)}


def _origins(interview: Interview, indicator: str, short: bool = False) -> list[str]:
    """Where a sign came from, by question number, words and answer (never ids).

    ``Q9 "Can you leave…?": answer "No, I have to pay off what I owe first"``; short:
    ``Q9: No, I have to pay off what I owe first``.
    """
    lang = interview.lang
    say = partial(label, lang)
    numbers = _numbers(interview)
    open_q, close_q = ("«", "»") if lang == "es" else ('"', '"')
    found: dict[str, None] = {}
    for item in interview.evidence():
        if item.indicator != indicator or not item.counts:
            continue
        question = interview.find(item.question)
        if question is None:
            flow = next((f for f in interview.rulebook.flows if f.offence == item.answer), None)
            offence = localise(flow.title, lang) if flow else item.answer.replace("_", " ")
            found[f"{say('the_call')}: {offence}"] = None
            continue
        number = f"{say('q')}{numbers.get(question.id, '?')}"
        answer = shown_answer(question, item.answer, lang)
        if short:
            origin = f" ({say('from_note_short')})" if item.source == "note" else ""
            found[f"{number}: {answer}{origin}"] = None
            continue
        where = f"{number} {open_q}{localise(question.text, lang)}{close_q}"
        if item.source == "note":
            how = f"{say('answer')} {open_q}{answer}{close_q}, {say('confirmed')} «{item.snippet}»"
        elif item.source == "officer":
            how = f"{say('observed')}: {open_q}{answer}{close_q}"
        else:
            how = f"{say('answer')} {open_q}{answer}{close_q}"
        found[f"{where}: {how}"] = None
    return list(found)


def _bullets(heading: str, items: Any) -> Group:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column(overflow="fold")
    for item in items:
        grid.add_row("-", as_text(str(item)))
    return Group(Text(f"\n{heading}:", style="bold"), grid)


def emergency_panel(
    titles: list[str], action: str, contacts: list[str], plain: bool, lang: str = "en"
) -> RenderableType:
    """The unmissable emergency panel shown the moment an answer signals danger."""
    lines = [
        Text(label(lang, "emergency"), style="bold"),
        Text(action),
        Text(f"{label(lang, 'signs')}: " + "; ".join(titles)),
        *[Text(f"  {c}") for c in contacts],
        Text(label(lang, "continue"), style="dim"),
    ]
    if plain:
        return Group(*lines)
    return Panel(Group(*lines), box=box.DOUBLE, border_style="bold red", style="bold")


SOURCES = {
    "note": "confirmed from the note",
    "person": "answered by the person",
    "officer": "observed by the officer",
}
"""How each answer's origin reads in English (labels.py has every language)."""


def answers_table(interview: Interview, plain: bool = False) -> RenderableType:
    """Every asked question with its answer and where it came from, for the review screen.

    ``plain``: one line per answer, no table rules, for screen readers.
    """
    rows = _asked(interview)
    if plain:
        return Group(
            *(
                Text(
                    f"{n}. {r.question} — {r.answer}{f' ({r.note})' if r.note else ''} — {r.source}"
                )
                for n, r in enumerate(rows, start=1)
            )
        )
    table = Table(box=box.SIMPLE, show_edge=False, header_style="bold", expand=False)
    table.add_column("#", justify="right")
    table.add_column("question", overflow="fold", ratio=3)
    table.add_column("answer", overflow="fold", ratio=2)
    table.add_column("from", overflow="fold", ratio=1)
    for number, row in enumerate(rows, start=1):
        note = f" ({row.note})" if row.note else ""
        table.add_row(
            str(number), as_text(row.question), as_text(row.answer + note), as_text(row.source)
        )
    return table


@dataclass(frozen=True, slots=True)
class _Row:
    question: str
    answer: str
    note: str
    source: str
    """Where the answer came from, with the note's words for one confirmed from it."""


def _asked(interview: Interview) -> list[_Row]:
    """The answered questions in the form's order, in the interview's language."""
    lang = interview.lang
    rows = []
    for question in interview.full_order:
        answer = interview.answers.get(question.id)
        if answer is None:
            continue
        value = shown_answer(question, answer.value, lang)
        source = (
            label(lang, f"source_{answer.source}") if answer.source in SOURCES else answer.source
        )
        if answer.source == "note" and answer.snippet:
            source += f": «{answer.snippet}»"
        rows.append(_Row(localise(question.text, lang), value, answer.note, source))
    return rows


def _note_lines(interview: Interview, text: Callable[[str], str] = str) -> list[str]:
    """What the note proposed and what became of it (Markdown lines; none without a note).

    ``text`` escapes what came from the note or the officer.
    """
    if not interview.note_ref:
        return []
    outcome = {"confirmed": "confirmed", "rejected": "not so", "unknown": "not known"}
    lines = [
        "## From the note",
        "",
        f"Started from {text(interview.note_ref)} (sha256 {interview.note_sha256[:12]}).",
        "",
    ]
    for proposal in interview.proposals:
        state = outcome.get(interview.resolved.get(proposal.question, ""), "not reached")
        lines.append(
            f"- {proposal.question} = {text(proposal.value)}: {state} — «{text(proposal.snippet)}»"
        )
    for seen in interview.seen:
        status = seen.status.value.replace("_", " ")
        lines.append(f"- {seen.question}: the note mentions it, {status} — «{text(seen.snippet)}»")
    return [*lines, ""]


def local_time(stamp: str) -> str:
    """An ISO 8601 time as local time with its zone: ``2026-12-02 09:14 CET (UTC+01:00)``.

    A stamp that cannot be read is shown as it is.
    """
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone()
    offset = local.strftime("%z")
    zone = local.tzname() or ""
    utc = f"UTC{offset[:3]}:{offset[3:5]}" if offset else "UTC"
    named = f"{zone} " if zone and zone[0] not in "+-" and zone != utc else ""
    return f"{local.strftime('%Y-%m-%d %H:%M')} {named}({utc})"


def _local_now() -> str:
    """Now, as ISO 8601 with the local offset (the JSON report's ``generated``)."""
    return datetime.now().astimezone().replace(microsecond=0).isoformat()


def _offence(interview: Interview) -> str:
    flow = next((f for f in interview.rulebook.flows if f.offence == interview.offence), None)
    return localise(flow.title, interview.lang) if flow else interview.offence.replace("_", " ")


def _facts(interview: Interview, rec: Recommendation, generated: str) -> list[tuple[str, str]]:
    """The report's header: (label, value) pairs, in the interview's language."""
    lang = interview.lang
    say = partial(label, lang)
    rulebook = interview.rulebook
    facts = [
        (say("case"), interview.case_ref or say("not_given")),
        (say("offence"), _offence(interview)),
        (say("officer"), interview.officer or say("not_given")),
        (say("location"), interview.location or say("not_given")),
        (say("interpreter"), interview.interpreter or say("not_given")),
        (say("started"), local_time(interview.started)),
        (say("generated"), local_time(generated)),
        (say("form"), say(f"form_{interview.form}")),
        (say("language"), interview.lang),
    ]
    if interview.note_ref:
        facts.append((say("from_note"), interview.note_ref))
    facts += [
        (
            say("rulebook"),
            f"{rulebook.source} — {rec.rulebook_version} (sha256 {rec.rulebook_hash})",
        ),
        (say("jurisdiction"), rec.jurisdiction),
    ]
    return facts


def _counted_lines(interview: Interview, rec: Recommendation) -> list[str]:
    say = Say(interview.lang)
    return [
        f"{c.title} ({say(str(c.weight))}; "
        f"{'-' if c.dimension == 'none' else say.dimension(c.dimension)}) — "
        f"{'; '.join(_origins(interview, c.id))}"
        for c in rec.counted
    ]


def _flat(text: str) -> str:
    """A free-text field on one line (Markdown structure survives what the officer typed)."""
    return " ".join(text.split())


def report_json(interview: Interview, rec: Recommendation) -> str:
    """The referral report as JSON (times in ISO 8601 with their offset)."""
    data = {
        "report": "htscreen referral screening",
        "tool_version": __version__,
        "generated": _local_now(),
        "rulebook": {
            "path": interview.rulebook.source,
            "version": rec.rulebook_version,
            "sha256": interview.rulebook.sha256,
        },
        "interview": interview.to_dict(),
        "recommendation": recommendation_dict(rec),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def report_markdown(interview: Interview, rec: Recommendation) -> str:
    """The referral report as Markdown, in the interview's language."""
    say = partial(label, interview.lang)
    typed = {  # what an officer typed or a note named: escaped, never read as Markdown
        v
        for v in (
            interview.case_ref,
            interview.officer,
            interview.location,
            interview.interpreter,
            interview.note_ref,
        )
        if v
    }
    lines = [
        f"# {say('report_title')}",
        "",
        *[
            f"- {name}: {_md_user(value) if value in typed else _flat(value)}"
            for name, value in _facts(interview, rec, now())
        ],
        f"- htscreen {__version__}",
        "",
        f"## {say('recommendation')}: {rec.level} — {rec.title}",
        "",
        rec.action,
        "",
        f"### {say('why')}",
        "",
        *[f"- {r}" for r in rec.reasons],
        "",
        f"### {say('counted')}",
        "",
        *([f"- {line}" for line in _counted_lines(interview, rec)] or [f"- {say('none')}"]),
        "",
        f"### {say('missing')}",
        "",
        *[f"- {m}" for m in rec.missing],
        "",
        f"### {say('next')}",
        "",
        *(
            [f"- {line}" for line in _next_lines(rec, interview, interview.lang)]
            or [f"- {say('no_questions')}"]
        ),
        "",
        f"### {say('resources')}",
        "",
        *[f"- **{r.name}**: {r.contact}" for r in rec.resources],
        "",
        f"## {say('notes')}",
        "",
        _md_user(interview.officer_notes, lines=True) or f"({say('none')})",
        "",
        *_note_lines(interview, _md_user),
        f"## {say('answers')}",
        "",
        f"| # | {say('question')} | {say('answer_col')} | {say('note_col')} | {say('from_col')} |",
        "|---|---|---|---|---|",
        *[
            f"| {n} | {_md(r.question)} | {_md_user(r.answer)} | {_md_user(r.note)} "
            f"| {_md_user(r.source)} |"
            for n, r in enumerate(_asked(interview), start=1)
        ],
        "",
        say("disclaimer"),
        "",
    ]
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=#]|\d+(?=[.)]))", re.MULTILINE)


def _md_user(text: str, lines: bool = False) -> str:
    """What an officer typed or a note said, as Markdown that renders as those words.

    Raw HTML is escaped and every character Markdown acts on is backslashed, so a
    case reference or note can neither inject HTML nor forge a heading, list or table.
    Without ``lines`` the text is kept on one line (a table cell or list item).
    """
    text = html.escape(text, quote=False)
    text = _MD_INLINE.sub(r"\\\1", text)
    if not lines:
        text = " ".join(text.splitlines())
    return _MD_LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), text)


def _escape_marker(marker: str) -> str:
    return marker + "\\" if marker[0].isdigit() else "\\" + marker


def report_html(interview: Interview, rec: Recommendation) -> str:
    """The referral report as a self-contained, print-ready HTML page."""
    e = html.escape
    lang = interview.lang
    say = partial(label, lang)
    rows = "".join(
        f"<tr><td>{n}</td><td>{e(r.question)}</td><td>{e(r.answer)}</td><td>{e(r.note)}</td>"
        f"<td>{e(r.source)}</td></tr>"
        for n, r in enumerate(_asked(interview), start=1)
    )
    from_note = "".join(f"<li>{e(line[2:])}</li>" for line in _note_lines(interview)[4:-1])
    note_part = (
        f"<h3>From the note</h3><p>Started from {e(interview.note_ref)}.</p><ul>{from_note}</ul>"
        if interview.note_ref
        else ""
    )

    def items(values: Any) -> str:
        return "".join(f"<li>{e(str(v))}</li>" for v in values) or f"<li>{e(say('none'))}</li>"

    resources = "".join(
        f"<li><strong>{e(r.name)}</strong>: {e(r.contact)}</li>" for r in rec.resources
    )
    meta = "\n".join(
        f"<dt>{e(name)}</dt><dd>{e(value)}</dd>" for name, value in _facts(interview, rec, now())
    )
    return _HTML.format(
        html_lang=e(lang),
        report_title=e(say("report_title")),
        level=e(rec.level),
        title=e(rec.title),
        action=e(rec.action),
        level_class=e(rec.level.lower()),
        case=e(interview.case_ref or say("not_given")),
        meta=meta,
        reasons=items(rec.reasons),
        counted=items(_counted_lines(interview, rec)),
        missing=items(rec.missing),
        nextq="".join(f"<li>{e(v)}</li>" for v in _next_lines(rec, interview, lang))
        or f"<li>{e(say('no_questions'))}</li>",
        resources=resources,
        notes=e(interview.officer_notes or f"({say('none')})"),
        note_part=note_part,
        rows=rows,
        why=e(say("why")),
        counted_h=e(say("counted")),
        missing_h=e(say("missing")),
        next_h=e(say("next")),
        resources_h=e(say("resources")),
        notes_h=e(say("notes")),
        answers_h=e(say("answers")),
        question_h=e(say("question")),
        answer_h=e(say("answer_col")),
        note_h=e(say("note_col")),
        from_h=e(say("from_col")),
        disclaimer=e(say("disclaimer")),
        generated_by=e(say("generated_by", version=__version__)),
    )


_HTML = """<!DOCTYPE html>
<html lang="{html_lang}"><head><meta charset="utf-8">
<title>{report_title} {case}</title>
<style>
body {{ font-family: Georgia, 'Times New Roman', serif; max-width: 48rem; margin: 2rem auto;
  color: #111; line-height: 1.4; }}
h1 {{ font-size: 1.5rem; border-bottom: 2px solid #111; padding-bottom: .3rem; }}
.meta {{ display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }}
.meta dt {{ font-weight: bold; }}
.level {{ border: 3px solid #111; padding: .8rem 1rem; margin: 1.2rem 0; }}
.level h2 {{ margin: 0 0 .4rem 0; font-size: 1.3rem; }}
.l0, .l1, .l2 {{ border-color: #b00; }} .l3 {{ border-color: #b70; }}
table {{ border-collapse: collapse; width: 100%; font-size: .9rem; }}
th, td {{ border: 1px solid #999; padding: .3rem .4rem; text-align: left; vertical-align: top; }}
footer {{ margin-top: 2rem; font-size: .8rem; color: #444; }}
@media print {{ body {{ margin: 0; max-width: none; }} .level {{ break-inside: avoid; }}
  tr {{ break-inside: avoid; }} }}
</style></head><body>
<h1>{report_title}</h1>
<dl class="meta">
{meta}
</dl>
<section class="level {level_class}"><h2>{level} — {title}</h2><p>{action}</p></section>
<h3>{why}</h3><ul>{reasons}</ul>
<h3>{counted_h}</h3><ul>{counted}</ul>
<h3>{missing_h}</h3><ul>{missing}</ul>
<h3>{next_h}</h3><ul>{nextq}</ul>
<h3>{resources_h}</h3><ul>{resources}</ul>
<h3>{notes_h}</h3><p>{notes}</p>
{note_part}
<h3>{answers_h}</h3>
<table><thead><tr><th>#</th><th>{question_h}</th><th>{answer_h}</th><th>{note_h}</th><th>{from_h}</th></tr>
</thead>
<tbody>{rows}</tbody></table>
<footer>{disclaimer} {generated_by}</footer>
</body></html>
"""


def render_report(interview: Interview, rec: Recommendation, fmt: str) -> str:
    """The report in ``fmt`` (markdown, html or json)."""
    return {"markdown": report_markdown, "html": report_html, "json": report_json}[fmt](
        interview, rec
    )
