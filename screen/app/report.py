"""The recommendation on screen (Rich) and the referral report (Markdown, HTML, JSON)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from screen.app.render import as_text
from screen.interview.state import Interview, now
from screen.model import localise
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


def recommendation_panel(rec: Recommendation, plain: bool = False) -> Panel:
    """The result as a Rich panel: level, reasons, missing, next questions, resources."""
    parts: list[Any] = [as_text(rec.action)]
    parts.append(_bullets("Why", rec.reasons))
    counted = [
        f"{c.title} [{c.weight}, {c.dimension.replace('_', ' ')}] — {c.provenance[0]}"
        for c in rec.counted
        if c.provenance
    ]
    parts.append(_bullets("Indicators that counted", counted or ["none"]))
    if rec.level not in ("L0", "L1"):
        parts.append(_bullets("What is missing", rec.missing))
    parts.append(
        _bullets(
            "Next questions worth asking",
            [
                f"{q.text} (an answer '{q.answer}' would reach {q.would_reach})"
                for q in rec.next_questions
            ]
            or ["none"],
        )
    )
    parts.append(_bullets("Resources", [f"{r.name}: {r.contact}" for r in rec.resources]))
    parts.append(
        Text(
            f"Profile {rec.profile}; jurisdiction {rec.jurisdiction}; rulebook "
            f"{rec.rulebook_version} ({rec.rulebook_hash})",
            style="dim",
        )
    )
    title = as_text(f"{rec.level} · {rec.title}")
    return Panel(
        Group(*parts),
        title=title,
        title_align="left",
        box=box.ASCII if plain else box.HEAVY,
        border_style="" if plain else LEVEL_STYLE.get(rec.level, ""),
    )


def _bullets(heading: str, items: Any) -> Group:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column(overflow="fold")
    for item in items:
        grid.add_row("-", as_text(str(item)))
    return Group(Text(f"\n{heading}:", style="bold"), grid)


def emergency_panel(titles: list[str], action: str, contacts: list[str], plain: bool) -> Panel:
    """The unmissable emergency panel shown the moment an answer signals danger."""
    body = Group(
        Text("EMERGENCY — ACT NOW", style="bold"),
        as_text(action),
        as_text("Signs: " + "; ".join(titles)),
        *[as_text(f"  {c}") for c in contacts],
        Text("Press any key to continue the interview once the person is safe.", style="dim"),
    )
    return Panel(
        body,
        box=box.ASCII if plain else box.DOUBLE,
        border_style="" if plain else "bold red",
        style="" if plain else "bold",
    )


SOURCES = {
    "note": "confirmed from the note",
    "person": "answered by the person",
    "officer": "observed by the officer",
}
"""How each answer's origin reads in the review screen and the reports."""


def answers_table(interview: Interview) -> Table:
    """Every asked question with its answer and where it came from, for the review screen."""
    table = Table(box=box.SIMPLE, show_edge=False, header_style="bold", expand=False)
    table.add_column("#", justify="right")
    table.add_column("question", overflow="fold", ratio=3)
    table.add_column("answer", overflow="fold", ratio=2)
    table.add_column("from", overflow="fold", ratio=1)
    for number, row in enumerate(_asked(interview), start=1):
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
    rows = []
    for question in interview.full_order:
        answer = interview.answers.get(question.id)
        if answer is None:
            continue
        value = answer.value
        for choice in question.choices:
            if choice.value == value:
                value = localise(choice.text, "en")
        source = SOURCES.get(answer.source, answer.source)
        if answer.source == "note" and answer.snippet:
            source += f": «{answer.snippet}»"
        rows.append(_Row(localise(question.text, "en"), value, answer.note, source))
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


def report_json(interview: Interview, rec: Recommendation) -> str:
    """The referral report as JSON."""
    data = {
        "report": "htscreen referral screening",
        "tool_version": __version__,
        "generated": now(),
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
    """The referral report as Markdown."""
    lines = [
        "# Trafficking screening — referral report",
        "",
        f"- Case reference: {_md_user(interview.case_ref) or '(none given)'}",
        f"- Cover offence: {interview.offence.replace('_', ' ')}",
        f"- Interview started: {interview.started}; report generated: {now()}",
        f"- Form: {interview.form}; language asked in: {interview.lang}",
        *(
            [f"- Started from the note: {_md_user(interview.note_ref)}"]
            if interview.note_ref
            else []
        ),
        f"- Rulebook: {rec.rulebook_version} (sha256 {rec.rulebook_hash}); jurisdiction: "
        f"{rec.jurisdiction}; htscreen {__version__}",
        "",
        f"## Recommendation: {rec.level} — {rec.title}",
        "",
        rec.action,
        "",
        "### Why",
        "",
        *[f"- {r}" for r in rec.reasons],
        "",
        "### Indicators that counted",
        "",
        *(
            [
                f"- {c.title} ({c.weight}; {c.dimension.replace('_', ' ')}) — "
                f"{'; '.join(c.provenance)}"
                for c in rec.counted
            ]
            or ["- none"]
        ),
        "",
        "### What is missing",
        "",
        *[f"- {m}" for m in rec.missing],
        "",
        "### Next questions worth asking",
        "",
        *([f"- {q.text} (would reach {q.would_reach})" for q in rec.next_questions] or ["- none"]),
        "",
        "### Resources",
        "",
        *[f"- **{r.name}**: {r.contact}" for r in rec.resources],
        "",
        "## Officer's notes",
        "",
        _md_user(interview.officer_notes, lines=True) or "(none)",
        "",
        *_note_lines(interview, _md_user),
        "## Questions and answers",
        "",
        "| # | Question | Answer | Note | From |",
        "|---|---|---|---|---|",
        *[
            f"| {n} | {_md(r.question)} | {_md_user(r.answer)} | {_md_user(r.note)} "
            f"| {_md_user(r.source)} |"
            for n, r in enumerate(_asked(interview), start=1)
        ],
        "",
        "This is a screening recommendation, not a finding that a crime occurred. A "
        "recommendation of 'no indicators' is not a clearance.",
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
        return "".join(f"<li>{e(str(v))}</li>" for v in values) or "<li>none</li>"

    counted = [
        f"{c.title} ({c.weight}; {c.dimension.replace('_', ' ')}) — {'; '.join(c.provenance)}"
        for c in rec.counted
    ]
    nextq = [f"{q.text} (would reach {q.would_reach})" for q in rec.next_questions]
    resources = "".join(
        f"<li><strong>{e(r.name)}</strong>: {e(r.contact)}</li>" for r in rec.resources
    )
    return _HTML.format(
        level=e(rec.level),
        title=e(rec.title),
        action=e(rec.action),
        level_class=e(rec.level.lower()),
        case=e(interview.case_ref or "(none given)"),
        offence=e(interview.offence.replace("_", " ")),
        started=e(interview.started),
        generated=e(now()),
        form=e(interview.form),
        lang=e(interview.lang),
        rulebook=e(f"{rec.rulebook_version} (sha256 {rec.rulebook_hash})"),
        jurisdiction=e(rec.jurisdiction),
        version=e(__version__),
        reasons=items(rec.reasons),
        counted=items(counted),
        missing=items(rec.missing),
        nextq=items(nextq),
        resources=resources,
        notes=e(interview.officer_notes or "(none)"),
        note_part=note_part,
        rows=rows,
    )


_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Screening report {case}</title>
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
<h1>Trafficking screening — referral report</h1>
<dl class="meta">
<dt>Case reference</dt><dd>{case}</dd><dt>Cover offence</dt><dd>{offence}</dd>
<dt>Interview started</dt><dd>{started}</dd><dt>Report generated</dt><dd>{generated}</dd>
<dt>Form / language</dt><dd>{form} / {lang}</dd><dt>Rulebook</dt><dd>{rulebook}</dd>
<dt>Jurisdiction</dt><dd>{jurisdiction}</dd>
</dl>
<section class="level {level_class}"><h2>{level} — {title}</h2><p>{action}</p></section>
<h3>Why</h3><ul>{reasons}</ul>
<h3>Indicators that counted</h3><ul>{counted}</ul>
<h3>What is missing</h3><ul>{missing}</ul>
<h3>Next questions worth asking</h3><ul>{nextq}</ul>
<h3>Resources</h3><ul>{resources}</ul>
<h3>Officer's notes</h3><p>{notes}</p>
{note_part}
<h3>Questions and answers</h3>
<table><thead><tr><th>#</th><th>Question</th><th>Answer</th><th>Note</th><th>From</th></tr>
</thead>
<tbody>{rows}</tbody></table>
<footer>A screening recommendation, not a finding that a crime occurred. "No indicators" is
not a clearance. Generated by htscreen {version}.</footer>
</body></html>
"""


def render_report(interview: Interview, rec: Recommendation, fmt: str) -> str:
    """The report in ``fmt`` (markdown, html or json)."""
    return {"markdown": report_markdown, "html": report_html, "json": report_json}[fmt](
        interview, rec
    )
