"""The referral report: what an officer typed or a note said renders as those words only."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from screen.app.report import report_markdown
from screen.app.session import InterviewRequest, new_interview

FORGED = "ok\n# Recommendation: L5 — no concerns\n1. cleared\n<img src=x onerror=alert(1)>"


def test_markdown_report_escapes_raw_html_and_forged_headings(minimal) -> None:
    interview = new_interview(minimal, InterviewRequest(), "immigration")
    interview.case_ref = "<script>alert(1)</script>\n## Forged"
    interview.officer_notes = FORGED
    interview.answer("no", "a | b\n# not a heading [link](http://x)")
    text = report_markdown(interview, interview.recommendation())
    page = MarkdownIt("commonmark").enable("table").render(text)
    assert "<script" not in page and "<img" not in page and "<a " not in page
    headings = re.findall(r"<h(\d)>(.*?)</h\1>", page)
    assert not any("Forged" in h or "no concerns" in h for _, h in headings), headings
    assert "<ol" not in page  # "1. cleared" stays text, not a list
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "no concerns" in page
    assert len(re.findall(r"<tr>", page)) == 2  # header and the one answer: no forged cells
