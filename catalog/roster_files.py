"""The training coordinator's roster as a table, an Excel workbook or CSV (used by `hrdbot export enrollments`
and the dashboard's download buttons): headers and statuses in the reader's language."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from catalog.cells import neutralise_row
from locales import N_

COLUMNS = (
    N_("Name"), N_("Department"), N_("Rank"), N_("Employee no."), N_("Cohort"), N_("Track"), N_("Start"), N_("End"),
    N_("Dates"), N_("Status"), N_("Waitlist position"), N_("Requested at"), N_("Decided at"), N_("Reason"),
)
STATUS_NAMES = {
    "pending": N_("pending approval"), "confirmed": N_("confirmed"), "waitlisted": N_("waitlisted"),
    "rejected": N_("rejected"), "cancelled": N_("cancelled"), "completed": N_("completed"),
    "no_show": N_("did not attend"), "ended": N_("ended, completion not recorded"),
}


def _fmt_moment(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def _day(value) -> date | str:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return ""


def shown_status(row, today: date | None) -> str:
    """Completion is what staff recorded; a finished cohort without a record says so, never "completed"."""
    return "ended" if row.status == "confirmed" and today is not None and row.end_on < today else row.status


def roster_table(rows, tr, today=None) -> list[list]:
    """One row per request. The retirement sign-up's answers (expected retirement, family programme) get their own
    columns when any request of the course has them, since the coordinator plans the family trip from them."""
    details = [getattr(r, "details", None) or {} for r in rows]
    with_retirement = any(d.get("retirement_on") for d in details)
    with_family = any("family_programme" in d for d in details)
    header = [tr(c) for c in COLUMNS]
    if with_retirement:
        header.append(tr("Expected retirement"))
    if with_family:
        header.append(tr("Family programme"))
    table: list[list] = [header]
    for r, d in zip(rows, details):
        status = shown_status(r, today)
        row = [
            r.full_name, r.department, r.rank, r.employee_no, r.cohort_number, r.track or "", r.start_on, r.end_on,
            tr.period(r.start_on, r.end_on, r.precision), tr(STATUS_NAMES[status]) if status in STATUS_NAMES else status,
            r.position or "", _fmt_moment(r.requested_at), _fmt_moment(r.decided_at), tr(r.reason) if r.reason else "",
        ]
        if with_retirement:
            row.append(_day(d["retirement_on"]) if d.get("retirement_on") else "")
        if with_family:
            row.append("" if "family_programme" not in d else
                       tr("yes, with my family") if d["family_programme"] else tr("no"))
        table.append(row)
    return table


def write_xlsx(table: list[list], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = (title or "roster")[:31].translate({ord(ch): "_" for ch in "[]:*?/\\"})
    for row in table:
        ws.append(neutralise_row(row))  # a name like =HYPERLINK(…) stays text
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col in ("G", "H", "O"):
        for cell in ws[col][1:]:
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = "yyyy-mm-dd"
    widths = [12, 14, 8, 12, 6, 12, 11, 11, 30, 12, 8, 17, 17, 30, 12, 16]
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_csv(table: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in table:
        writer.writerow(neutralise_row([v.isoformat() if hasattr(v, "isoformat") else v for v in row]))
    return buf.getvalue().encode("utf-8-sig")
