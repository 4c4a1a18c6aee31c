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

import asyncio
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.cells import control_characters
from catalog.imports import FileProblem, Problem
from db.access import Actor, require_staff
from db.audit import record
from db.clock import SEOUL, to_seoul
from db.models import ExamEvent, ExamRound, ExamSubscription, InterviewSlot, User
from db.outbox import Notice, enqueue
from locales import N_
from notifications.exams.config import EVENT_KINDS, PRECISIONS, ROUND_KINDS, SLOT_HOURS
from notifications.exams.planner import SLOT_KEEP_DAYS, EventChange, notify_changes, slot_notice_params
from notifications.exams.subscriptions import set_slot

ROUND_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
SLOT_KIND = "exam_slot"


class ImportFileError(Exception):
    """The file cannot be read at all (format, encoding, missing columns). `problem` says it in any language."""

    def __init__(self, message: str, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.problem = problem or Problem(N_("I cannot read this file: {reason}"), {"reason": message})


@dataclass
class RowError:
    """A problem of one row, as a msgid and its values (the CLI prints it in English, the dashboard translates it)."""

    row: int
    template: str
    values: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template.format(**self.values)

    def render(self, tr) -> str:
        return tr(self.template, **self.values)

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass(frozen=True)
class RowChange:
    """What a valid row does (the dry run's diff): `action` added | updated | unchanged. Exams: key (round id, event
    kind), before/after (start, end, precision). Slots: key (round id, applicant no or Telegram id), before/after
    (moment, place)."""

    row: int
    key: tuple
    action: str
    before: tuple | None
    after: tuple


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
    changes: list[RowChange] = field(default_factory=list)
    titles: dict[str, tuple[str, str]] = field(default_factory=dict)  # round id → (title, title_en) of the changes
    people: set[int] = field(default_factory=set)  # slots: whose stored slot (or its absence) `changes` shows

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(path: Path | str, content: bytes | None = None) -> list[tuple[int, dict]]:
    """(row number, {header: value}) for each non-empty row of a .csv or .xlsx file. The catalog importers' reader:
    the same caps (size, unpacked size against zip bombs, rows), and cells our exports neutralised come back as
    they were."""
    from catalog.imports import read_table as read_file
    from locales import translator

    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise ImportFileError(f"unsupported file type {path.suffix or '(none)'}: use .csv or .xlsx",
                              Problem(N_("Only CSV or XLSX files can be imported (got {name})."), {"name": path.name}))
    data = content if content is not None else path.read_bytes()
    try:
        table = read_file(path.name, data)
    except FileProblem as exc:
        raise ImportFileError(exc.problem.render(translator("en")), exc.problem) from None
    return table.rows


def _bad(template: str, **values) -> tuple[str, dict]:
    return template, values


def _control(cells: dict) -> list[tuple[str, dict]]:
    return [_bad(N_("{column} contains control characters (such as NUL); retype the cell"), column=column)
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
        raise ImportFileError(f"missing column(s): {', '.join(missing)}", Problem(
            N_("Missing columns: {columns}. The first row must name the columns ({expected})."),
            {"columns": ", ".join(missing), "expected": ", ".join(names)}))


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
            errors.append(_bad(N_("round_id {value!r} must be 1–32 lower-case letters, digits, '-' or '_'"), value=rid))
        fields = {k: _text(cells, k) for k in ("round_kind", "title", "title_en", "selection", "selection_note",
                                              "note", "note_en") if _text(cells, k)}
        if "round_kind" in fields and fields["round_kind"] not in ROUND_KINDS:
            errors.append(_bad(N_("round_kind {value!r} is not one of {choices}"), value=fields["round_kind"],
                               choices=", ".join(ROUND_KINDS)))
        if "selection" in fields:
            if not fields["selection"].replace(",", "").isdigit():
                errors.append(_bad(N_("selection {value!r} is not a whole number"), value=fields["selection"]))
            else:
                fields["selection"] = int(fields["selection"].replace(",", ""))
        year_text = _text(cells, "year")
        if year_text:
            if not year_text.isdigit() or not MIN_YEAR <= int(year_text) <= MAX_YEAR:
                errors.append(_bad(N_("year {value!r} is not a year between {low} and {high}"), value=year_text,
                                   low=MIN_YEAR, high=MAX_YEAR))
            elif rid in existing and existing[rid].year != int(year_text):
                errors.append(_bad(N_("round {round!r} belongs to the {year} plan, not {value}"), round=rid,
                                   year=existing[rid].year, value=year_text))
            else:
                fields["year"] = int(year_text)
        if rid and rid not in existing and rid not in round_fields and not ({"round_kind", "title"} <= set(fields)):
            errors.append(_bad(N_("new round {round!r} needs round_kind and title"), round=rid))
        kind = _text(cells, "event")
        if kind not in EVENT_KINDS:
            errors.append(_bad(N_("event {value!r} is not one of {choices}"), value=kind, choices=", ".join(EVENT_KINDS)))
        precision = _text(cells, "precision") or "day"
        if precision not in PRECISIONS:
            errors.append(_bad(N_("precision {value!r} is not one of {choices}"), value=precision,
                               choices=", ".join(PRECISIONS)))
        start = end = None
        try:
            start = _date(cells.get("start"))
        except (ValueError, TypeError):
            errors.append(_bad(N_("start {value!r} is not a date (YYYY-MM-DD)"), value=_text(cells, "start")))
        try:
            end = _date(cells.get("end")) if _text(cells, "end") else start
        except (ValueError, TypeError):
            errors.append(_bad(N_("end {value!r} is not a date (YYYY-MM-DD)"), value=_text(cells, "end")))
        if start and end and end < start:
            errors.append(_bad(N_("end {end} is before start {start}"), end=end, start=start))
        if (rid, kind) in seen:
            errors.append(_bad(N_("event {kind!r} of {round!r} is already on row {other}"), kind=kind, round=rid,
                               other=seen[(rid, kind)]))
        if errors:
            result.errors.extend(RowError(number, template, values) for template, values in errors)
            continue
        seen[(rid, kind)] = number
        round_fields.setdefault(rid, {}).update(fields)
        events.append(_EventRow(number, rid, kind, start, end, precision))
    if result.errors:
        return result
    for rid, fields in round_fields.items():  # a new round's title from the file: its dry run names it too
        r = existing.get(rid)
        result.titles[rid] = ((fields["title"], fields.get("title_en") or fields["title"]) if r is None else
                              (fields.get("title", r.title), fields.get("title_en", r.title_en)))

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
        after = (ev.start, ev.end, ev.precision)
        if row is None:
            session.add(ExamEvent(round_id=ev.round_id, kind=ev.kind, start_on=ev.start, end_on=ev.end,
                                  precision=ev.precision, updated_at=now))
            result.events_added += 1
            result.changes.append(RowChange(ev.row, (ev.round_id, ev.kind), "added", None, after))
            if ev.round_id in existing:
                changes.append(EventChange(ev.round_id, ev.kind, None, new))
            continue
        old = (row.start_on.isoformat(), row.end_on.isoformat(), row.precision)
        before = (row.start_on, row.end_on, row.precision)
        result.changes.append(RowChange(ev.row, (ev.round_id, ev.kind), "updated" if old != new else "unchanged",
                                        before, after))
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
                       dry_run: bool = False, keep_days: int = SLOT_KEEP_DAYS) -> ImportResult:
    """Staff-given interview times (and applicant numbers): personal data the applicant did not type, so the notice
    that tells them of the slot also says what is kept, why, for how long (`keep_days` after the interview, the
    retention setting) and points to /mydata and /forget; it is written in the slot's own transaction, before any
    reminder can use the slot (and those reminders repeat it: see planner.slot_notice_params)."""
    await require_staff(session, actor, "import.interview_slots")
    result = ImportResult(rows=len(table))
    if table:
        _require(table[0][1], ("round_id", "date", "time"))
    titles = {rid: (t, t_en) for rid, t, t_en in await session.execute(
        select(ExamRound.id, ExamRound.title, ExamRound.title_en))}
    rounds = set(titles)
    interview = {rid: (s, e) for rid, s, e in (await session.execute(
        select(ExamEvent.round_id, ExamEvent.start_on, ExamEvent.end_on).where(ExamEvent.kind == "interview"))).all()}
    valid: list[tuple[int, str, int, str | None, datetime, str]] = []
    seen: dict[tuple[str, int], int] = {}
    for number, cells in table:
        errors = _control(cells)
        rid = _text(cells, "round_id")
        if rid not in rounds:
            errors.append(_bad(N_("unknown round_id {value!r}"), value=rid))
        tg, applicant = _text(cells, "telegram_id"), _text(cells, "applicant_no") or None
        user_id = None
        if tg:
            if not tg.isdigit():
                errors.append(_bad(N_("telegram_id {value!r} is not a number"), value=tg))
            elif await session.get(User, int(tg)) is None:
                errors.append(_bad(N_("Telegram user {value} has never talked to the bot (they must /start it first)"),
                                   value=tg))
            else:
                user_id = int(tg)
        elif applicant and rid in rounds:
            found = list((await session.execute(select(ExamSubscription.user_id).where(
                ExamSubscription.round_id == rid, ExamSubscription.applicant_no == applicant))).scalars())
            if len(found) != 1:
                errors.append(_bad(N_("applicant_no {value!r} matches {n} subscribers of {round!r}"), value=applicant,
                                   n=len(found), round=rid))
            else:
                user_id = found[0]
        elif not applicant:
            errors.append(_bad(N_("give telegram_id or applicant_no")))
        day = clock = None
        try:
            day = _date(cells.get("date"))
        except (ValueError, TypeError):
            errors.append(_bad(N_("date {value!r} is not a date (YYYY-MM-DD)"), value=_text(cells, "date")))
        try:
            clock = _time(cells.get("time"))
            if not (SLOT_HOURS[0] <= clock <= SLOT_HOURS[1]):
                errors.append(_bad(N_("time {value} is outside {low}–{high}"), value=f"{clock:%H:%M}",
                                   low=f"{SLOT_HOURS[0]:%H:%M}", high=f"{SLOT_HOURS[1]:%H:%M}"))
        except (ValueError, TypeError):
            errors.append(_bad(N_("time {value!r} is not a time (HH:MM)"), value=_text(cells, "time")))
        if day and rid in interview and not (interview[rid][0] <= day <= interview[rid][1]):
            errors.append(_bad(N_("date {value} is outside the interview period {low} – {high}"), value=day,
                               low=interview[rid][0], high=interview[rid][1]))
        place = _text(cells, "place")
        if len(place) > 200:
            errors.append(_bad(N_("place is longer than 200 characters")))
        if user_id is not None and (rid, user_id) in seen:
            errors.append(_bad(N_("applicant already has a slot on row {other}"), other=seen[(rid, user_id)]))
        if errors:
            result.errors.extend(RowError(number, template, values) for template, values in errors)
            continue
        seen[(rid, user_id)] = number
        starts_at = datetime.combine(day, clock, tzinfo=SEOUL)
        valid.append((number, rid, user_id, applicant, starts_at, place))
        result.titles[rid] = titles[rid]
        result.people.add(user_id)
        result.changes.append(await _slot_change(session, number, rid, user_id, applicant or tg, starts_at, place))
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
            title, title_en = titles[rid]
            key = f"exslot:{rid}:{user_id}:{starts_at:%Y%m%d%H%M}:{hashlib.sha1(place.encode()).hexdigest()[:8]}"
            result.notices += await enqueue(session, Notice(
                key=key, user_id=user_id, kind=SLOT_KIND,
                params={"round_id": rid, "title": title, "title_en": title_en, "at": starts_at.isoformat(),
                        "place": place, **slot_notice_params(keep_days, applicant_no=bool(applicant))}), now=now)
    result.applied = True
    await record(session, actor, "import.interview_slots", now=now, people=result.people,
                 detail={"rows": result.rows, "slots": result.slots, "notices": result.notices})
    return result


async def _slot_change(session: AsyncSession, row: int, round_id: str, user_id: int, who: str, starts_at: datetime,
                       place: str) -> RowChange:
    old = (await session.execute(select(InterviewSlot.starts_at, InterviewSlot.place).where(
        InterviewSlot.user_id == user_id, InterviewSlot.round_id == round_id))).first()
    before = (to_seoul(old[0]), old[1]) if old else None
    action = "added" if old is None else "unchanged" if before == (starts_at, place[:200]) else "updated"
    return RowChange(row, (round_id, who), action, before, (starts_at, place))


# -- the CLI's and the dashboard's entry point ---------------------------------------------------------------------
IMPORTERS = {"exams": import_exams, "interview-slots": import_slots}


async def check_or_import(session: AsyncSession, kind: str, filename: str, content: bytes, now: datetime, *,
                          actor: Actor, dry_run: bool = False, slot_keep_days: int = SLOT_KEEP_DAYS) -> ImportResult:
    """Read the file (in a worker thread: a hostile workbook never stalls the event loop), validate every row and,
    unless dry_run or any row is wrong, apply it with the change notices. A dry run or a refused file leaves the
    database as it was (a savepoint), so the caller commits either way. Raises ImportFileError. `slot_keep_days`:
    HRDBOT_RETAIN_SLOT_DAYS, told to applicants whose interview slot is imported."""
    table = await asyncio.to_thread(read_table, filename, content)
    savepoint = await session.begin_nested()
    try:
        extra = {"keep_days": slot_keep_days} if IMPORTERS[kind] is import_slots else {}
        result = await IMPORTERS[kind](session, table, now, actor=actor, dry_run=dry_run, **extra)
    except BaseException:
        await savepoint.rollback()
        raise
    if dry_run or result.errors:
        await savepoint.rollback()
    else:
        await savepoint.commit()
    if dry_run and result.ok and result.people:
        # The diff shows each person's stored slot (before → after): a read of personal data, recorded here (after
        # the rollback) so the dashboard's dry run and the CLI's --dry-run leave the same access record.
        await record(session, actor, "import.interview_slots.check", now=now, people=result.people,
                     detail={"rows": result.rows})
    return result
