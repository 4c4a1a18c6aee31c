"""Staff imports from CSV/XLSX: the exam calendar and applicants' interview slots.

All or nothing: every row is validated first; any error → nothing is written and every error is reported with
its row number (the spreadsheet's row: the header is row 1). A valid file is applied in one transaction that
also re-plans reminders and queues one change notice per subscriber of each changed round.

exams file, one row per event (round columns may be left empty after a round's first row):
    round_id, year, round_kind (open|career|assessment), title, title_en, selection, selection_note, note, note_en,
    event (notice|document|written|interview|result|assessment|course), start, end, precision (day|month|quarter)
    `year` is the plan year of a new round (without the column: the current plan year); a round keeps its year.
    A round of an unpublished year stays invisible until `hrdbot plan publish YEAR`.
interview-slots file:
    round_id, telegram_id, applicant_no, date, time, place
    The applicant is identified by Telegram user id (the number the bot shows in /myexams); or, when that column
    is empty, by applicant_no among the round's subscribers (a Telegram id row stores the applicant_no too).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.cells import control_characters
from db.access import Actor, require_staff
from db.audit import record
from db.clock import SEOUL
from db.models import ExamEvent, ExamRound, ExamSubscription, User
from db.outbox import Notice, enqueue
from notifications.exams.config import EVENT_KINDS, PRECISIONS, ROUND_KINDS, SLOT_HOURS
from notifications.exams.planner import EventChange, notify_changes
from notifications.exams.subscriptions import set_slot

ROUND_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
SLOT_KIND = "exam_slot"


class ImportFileError(Exception):
    """The file cannot be read at all (format, encoding, missing columns)."""


@dataclass
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    rounds_added: int = 0
    events_added: int = 0
    events_changed: int = 0
    slots: int = 0
    notices: int = 0
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(path: Path | str, content: bytes | None = None) -> list[tuple[int, dict]]:
    """(row number, {header: value}) for each non-empty row of a .csv or .xlsx file. The catalog importers' reader:
    the same caps (size, unpacked size against zip bombs, rows), and cells our exports neutralised come back as
    they were."""
    from catalog.imports import FileProblem
    from catalog.imports import read_table as read_file
    from locales import translator

    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise ImportFileError(f"unsupported file type {path.suffix or '(none)'}: use .csv or .xlsx")
    data = content if content is not None else path.read_bytes()
    try:
        table = read_file(path.name, data)
    except FileProblem as exc:
        raise ImportFileError(exc.problem.render(translator("en"))) from None
    return table.rows


def _control(cells: dict) -> list[str]:
    return [f"{column} contains control characters (such as NUL); retype the cell"
            for column, value in cells.items() if isinstance(value, str) and control_characters(value)]


def _text(row: dict, name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip().replace(".", "-").replace("/", "-").rstrip("-")
    y, m, d = (int(p) for p in text.split("-"))
    return date(y, m, d)


def _time(value) -> time:
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    text = str(value or "").strip()
    m = re.fullmatch(r"(\d{1,2})[:시]\s*(\d{2})?\s*분?", text)
    if not m:
        raise ValueError(text)
    return time(int(m.group(1)), int(m.group(2) or 0))


def _require(cells: dict, names: tuple[str, ...]) -> None:
    missing = [n for n in names if n not in cells]
    if missing:
        raise ImportFileError(f"missing column(s): {', '.join(missing)}")


# -- exams --------------------------------------------------------------------------------------------------------
@dataclass
class _EventRow:
    row: int
    round_id: str
    kind: str
    start: date
    end: date
    precision: str


async def import_exams(session: AsyncSession, table: list[tuple[int, dict]], now: datetime, *, actor: Actor,
                       dry_run: bool = False, default_year: int | None = None) -> ImportResult:
    from catalog.plan import MAX_YEAR, MIN_YEAR, current_year, ensure_year

    await require_staff(session, actor, "import.exams")
    result = ImportResult(rows=len(table))
    if default_year is None:
        default_year = await current_year(session, now.date())
    if table:
        _require(table[0][1], ("round_id", "event", "start"))
    existing = {r.id: r for r in (await session.execute(select(ExamRound))).scalars()}
    round_fields: dict[str, dict] = {}
    events: list[_EventRow] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in table:
        errors = _control(cells)
        rid = _text(cells, "round_id")
        if not ROUND_ID.match(rid):
            errors.append(f"round_id {rid!r} must be 1–32 lower-case letters, digits, '-' or '_'")
        fields = {k: _text(cells, k) for k in ("round_kind", "title", "title_en", "selection", "selection_note",
                                              "note", "note_en") if _text(cells, k)}
        if "round_kind" in fields and fields["round_kind"] not in ROUND_KINDS:
            errors.append(f"round_kind {fields['round_kind']!r} is not one of {', '.join(ROUND_KINDS)}")
        if "selection" in fields:
            if not fields["selection"].replace(",", "").isdigit():
                errors.append(f"selection {fields['selection']!r} is not a whole number")
            else:
                fields["selection"] = int(fields["selection"].replace(",", ""))
        year_text = _text(cells, "year")
        if year_text:
            if not year_text.isdigit() or not MIN_YEAR <= int(year_text) <= MAX_YEAR:
                errors.append(f"year {year_text!r} is not a year between {MIN_YEAR} and {MAX_YEAR}")
            elif rid in existing and existing[rid].year != int(year_text):
                errors.append(f"round {rid!r} belongs to the {existing[rid].year} plan, not {year_text}")
            else:
                fields["year"] = int(year_text)
        if rid and rid not in existing and rid not in round_fields and not ({"round_kind", "title"} <= set(fields)):
            errors.append(f"new round {rid!r} needs round_kind and title")
        kind = _text(cells, "event")
        if kind not in EVENT_KINDS:
            errors.append(f"event {kind!r} is not one of {', '.join(EVENT_KINDS)}")
        precision = _text(cells, "precision") or "day"
        if precision not in PRECISIONS:
            errors.append(f"precision {precision!r} is not one of {', '.join(PRECISIONS)}")
        start = end = None
        try:
            start = _date(cells.get("start"))
        except (ValueError, TypeError):
            errors.append(f"start {_text(cells, 'start')!r} is not a date (YYYY-MM-DD)")
        try:
            end = _date(cells.get("end")) if _text(cells, "end") else start
        except (ValueError, TypeError):
            errors.append(f"end {_text(cells, 'end')!r} is not a date (YYYY-MM-DD)")
        if start and end and end < start:
            errors.append(f"end {end} is before start {start}")
        if (rid, kind) in seen:
            errors.append(f"event {kind!r} of {rid!r} is already on row {seen[(rid, kind)]}")
        if errors:
            result.errors.extend(RowError(number, e) for e in errors)
            continue
        seen[(rid, kind)] = number
        round_fields.setdefault(rid, {}).update(fields)
        events.append(_EventRow(number, rid, kind, start, end, precision))
    if result.errors:
        return result

    # Apply (the caller's transaction; the CLI commits only when everything went through).
    for rid, fields in round_fields.items():
        r = existing.get(rid)
        if r is None:
            year = fields.get("year", default_year)
            await ensure_year(session, year, now)
            session.add(ExamRound(id=rid, year=year, kind=fields["round_kind"], title=fields["title"],
                                  title_en=fields.get("title_en") or fields["title"], selection=fields.get("selection"),
                                  selection_note=fields.get("selection_note", ""), note=fields.get("note", ""),
                                  note_en=fields.get("note_en", ""), active=True, updated_at=now))
            result.rounds_added += 1
        else:
            for k, v in fields.items():
                if k != "year":
                    setattr(r, "kind" if k == "round_kind" else k, v)
            r.updated_at = now
    await session.flush()
    have = {(e.round_id, e.kind): e for e in (await session.execute(
        select(ExamEvent).where(ExamEvent.round_id.in_(list(round_fields))))).scalars()}
    changes: list[EventChange] = []
    for ev in events:
        new = (ev.start.isoformat(), ev.end.isoformat(), ev.precision)
        row = have.get((ev.round_id, ev.kind))
        if row is None:
            session.add(ExamEvent(round_id=ev.round_id, kind=ev.kind, start_on=ev.start, end_on=ev.end,
                                  precision=ev.precision, updated_at=now))
            result.events_added += 1
            if ev.round_id in existing:
                changes.append(EventChange(ev.round_id, ev.kind, None, new))
            continue
        old = (row.start_on.isoformat(), row.end_on.isoformat(), row.precision)
        if old != new:
            row.start_on, row.end_on, row.precision, row.updated_at = ev.start, ev.end, ev.precision, now
            result.events_changed += 1
            changes.append(EventChange(ev.round_id, ev.kind, old, new))
    await session.flush()
    if dry_run:
        return result
    result.notices = await notify_changes(session, changes, now)
    result.applied = True
    await record(session, actor, "import.exams", now=now, detail={
        "rows": result.rows, "rounds_added": result.rounds_added, "events_added": result.events_added,
        "events_changed": result.events_changed, "notices": result.notices})
    return result


# -- interview slots ----------------------------------------------------------------------------------------------
async def import_slots(session: AsyncSession, table: list[tuple[int, dict]], now: datetime, *, actor: Actor,
                       dry_run: bool = False) -> ImportResult:
    await require_staff(session, actor, "import.interview_slots")
    result = ImportResult(rows=len(table))
    if table:
        _require(table[0][1], ("round_id", "date", "time"))
    rounds = set((await session.execute(select(ExamRound.id))).scalars())
    interview = {rid: (s, e) for rid, s, e in (await session.execute(
        select(ExamEvent.round_id, ExamEvent.start_on, ExamEvent.end_on).where(ExamEvent.kind == "interview"))).all()}
    valid: list[tuple[int, str, int, str | None, datetime, str]] = []
    seen: dict[tuple[str, int], int] = {}
    for number, cells in table:
        errors = _control(cells)
        rid = _text(cells, "round_id")
        if rid not in rounds:
            errors.append(f"unknown round_id {rid!r}")
        tg, applicant = _text(cells, "telegram_id"), _text(cells, "applicant_no") or None
        user_id = None
        if tg:
            if not tg.isdigit():
                errors.append(f"telegram_id {tg!r} is not a number")
            elif await session.get(User, int(tg)) is None:
                errors.append(f"Telegram user {tg} has never talked to the bot (they must /start it first)")
            else:
                user_id = int(tg)
        elif applicant and rid in rounds:
            found = list((await session.execute(select(ExamSubscription.user_id).where(
                ExamSubscription.round_id == rid, ExamSubscription.applicant_no == applicant))).scalars())
            if len(found) != 1:
                errors.append(f"applicant_no {applicant!r} matches {len(found)} subscribers of {rid!r}")
            else:
                user_id = found[0]
        elif not applicant:
            errors.append("give telegram_id or applicant_no")
        day = clock = None
        try:
            day = _date(cells.get("date"))
        except (ValueError, TypeError):
            errors.append(f"date {_text(cells, 'date')!r} is not a date (YYYY-MM-DD)")
        try:
            clock = _time(cells.get("time"))
            if not (SLOT_HOURS[0] <= clock <= SLOT_HOURS[1]):
                errors.append(f"time {clock:%H:%M} is outside {SLOT_HOURS[0]:%H:%M}–{SLOT_HOURS[1]:%H:%M}")
        except (ValueError, TypeError):
            errors.append(f"time {_text(cells, 'time')!r} is not a time (HH:MM)")
        if day and rid in interview and not (interview[rid][0] <= day <= interview[rid][1]):
            errors.append(f"date {day} is outside the interview period {interview[rid][0]} – {interview[rid][1]}")
        place = _text(cells, "place")
        if len(place) > 200:
            errors.append("place is longer than 200 characters")
        if user_id is not None and (rid, user_id) in seen:
            errors.append(f"applicant already has a slot on row {seen[(rid, user_id)]}")
        if errors:
            result.errors.extend(RowError(number, e) for e in errors)
            continue
        seen[(rid, user_id)] = number
        valid.append((number, rid, user_id, applicant, datetime.combine(day, clock, tzinfo=SEOUL), place))
    if result.errors or dry_run:
        return result
    for _number, rid, user_id, applicant, starts_at, place in valid:
        changed = await set_slot(session, user_id, rid, starts_at, place, now, source="import")
        if applicant:
            sub = (await session.execute(select(ExamSubscription).where(
                ExamSubscription.round_id == rid, ExamSubscription.user_id == user_id))).scalar_one()
            sub.applicant_no = applicant
        result.slots += 1
        if changed:
            title, title_en = (await session.execute(select(ExamRound.title, ExamRound.title_en).where(
                ExamRound.id == rid))).one()
            key = f"exslot:{rid}:{user_id}:{starts_at:%Y%m%d%H%M}:{hashlib.sha1(place.encode()).hexdigest()[:8]}"
            result.notices += await enqueue(session, Notice(
                key=key, user_id=user_id, kind=SLOT_KIND,
                params={"round_id": rid, "title": title, "title_en": title_en, "at": starts_at.isoformat(),
                        "place": place}), now=now)
    result.applied = True
    await record(session, actor, "import.interview_slots", now=now, subjects=len({v[2] for v in valid}),
                 detail={"rows": result.rows, "slots": result.slots, "notices": result.notices})
    return result
