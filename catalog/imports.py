"""Staff imports of courses and cohorts (회차) from CSV or XLSX: validated row by row, all or nothing.

`read_table()` turns the bytes of a file into rows (or a `FileProblem`), `plan_courses()` / `plan_cohorts()`
validate every row against the database and say what would change (added / updated / unchanged), and
`apply_plan()` writes it. Nothing is written when any row has an error. Errors and problems are data
(a gettext msgid + values, with the row number as the person sees it in Excel: the header is row 1), so the
bot shows them in the staff member's language and the CLI in English.

No telegram here; the caller announces new courses/cohorts (notifications.news) and rebuilds the search index.
"""
from __future__ import annotations

import asyncio
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.cells import control_characters, restore
from catalog.enrollment import lock_seats, promote_waitlist
from catalog.plan import current_year, ensure_year
from catalog.topics import TOPICS
from db.access import Actor, require_staff
from db.audit import record
from db.models import Cohort, Course, Enrollment
from locales import N_

MAX_BYTES = 2_000_000  # a catalog file is a few kB; anything this big is the wrong file
MAX_ROWS = 5_000
MAX_UNPACKED = 50_000_000  # an XLSX is a zip: what it says it expands to (a 1.8 MB "bomb" claims 1.8 GB)


@dataclass(frozen=True)
class Limits:
    """Caps on uploaded files (settings HRDBOT_IMPORT_MAX_BYTES, _MAX_UNPACKED, _MAX_ROWS; see docs/security.md)."""

    max_bytes: int = MAX_BYTES
    max_unpacked: int = MAX_UNPACKED
    max_rows: int = MAX_ROWS


_limits = Limits()


def limits() -> Limits:
    return _limits


def set_limits(value: Limits) -> None:
    """Called once by the composition root (bot/) with the settings."""
    global _limits
    _limits = value
DELIVERIES = ("face_to_face", "online", "blended", "elearning")
APPROVALS = ("auto", "staff")
PRECISIONS = ("day", "month", "quarter", "year")
COHORT_STATUSES = ("open", "closed")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
SEAT_HOLDING = ("confirmed", "pending")

COURSE_REQUIRED = ("id", "title", "category", "topic", "delivery")
COURSE_OPTIONAL = ("title_en", "duration_ko", "duration_en", "hours", "audience", "audience_en", "approval",
                   "keywords", "keywords_en", "aliases", "description", "description_en", "source", "active",
                   "venue", "online_link", "bring")
COHORT_REQUIRED = ("course_id", "no", "start")
COHORT_OPTIONAL = ("year", "end", "precision", "capacity", "capacity_estimated", "track", "track_en", "status",
                   "apply_until")
LIST_FIELDS = ("keywords", "keywords_en", "aliases")
KINDS = ("courses", "cohorts")


@dataclass(frozen=True)
class Problem:
    """One reason, as a msgid and its values; `row` is the spreadsheet row (header = 1), None for the file."""

    message: str
    values: dict = field(default_factory=dict)
    row: int | None = None
    column: str | None = None

    def render(self, tr) -> str:
        text = tr(self.message, **self.values)
        if self.row is None:
            return text
        where = tr("row {row}", row=self.row) + (f", {self.column}" if self.column else "")
        return f"{where}: {text}"


class FileProblem(Exception):
    """The file as a whole cannot be read (not CSV/XLSX, empty, too big, wrong columns)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]]  # (spreadsheet row number, column -> value)


@dataclass
class Change:
    kind: str  # course | cohort
    key: str  # course id, or "course_id year #no"
    action: str  # added | updated | unchanged
    fields: dict[str, Any]
    changed: tuple[str, ...] = ()
    course_id: str = ""
    number: int | None = None
    year: int | None = None


@dataclass
class ImportPlan:
    kind: str  # courses | cohorts
    changes: list[Change] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)


@dataclass
class ImportResult:
    plan: ImportPlan
    applied: bool
    new_courses: list[str] = field(default_factory=list)
    new_cohorts: dict[str, list[int]] = field(default_factory=dict)  # course id -> new cohort ids
    changed_cohorts: list[int] = field(default_factory=list)  # ids of cohorts whose dates moved
    years: set[int] = field(default_factory=set)  # plan years the cohorts rows named
    promoted: int = 0  # people moved from a waitlist into seats a raised capacity freed


# -- reading files ----------------------------------------------------------------------------------------
def _clean_header(value: Any) -> str:
    return str(value or "").strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


def _is_blank(values: dict) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values())


def _check_unpacked_size(content: bytes) -> None:
    """Refuse a zip bomb before expanding anything: the sizes a zip declares bound what it can expand to (zipfile
    stops at the declared size and fails the CRC check on anything longer)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            declared = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileProblem(Problem(N_("The file looks like XLSX but cannot be opened ({error})."),
                                  {"error": type(exc).__name__})) from exc
    if declared > _limits.max_unpacked:
        raise FileProblem(Problem(N_("The file expands to {size} MB once unpacked (at most {limit} MB)."),
                                  {"size": declared // 1_000_000, "limit": _limits.max_unpacked // 1_000_000}))


def _read_xlsx(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    _check_unpacked_size(content)
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip bomb, corrupt zip, not a workbook
        raise FileProblem(Problem(N_("The file looks like XLSX but cannot be opened ({error})."),
                                  {"error": type(exc).__name__})) from exc
    try:
        ws = wb.worksheets[0]
        out = []
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            if i > _limits.max_rows + 1:
                raise FileProblem(Problem(N_("The file has more than {limit} rows."), {"limit": _limits.max_rows}))
            out.append(list(row))
        return out
    finally:
        wb.close()


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp949"):  # Korean Excel saves CSV as cp949 (EUC-KR)
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem(Problem(N_("The file is not a CSV or XLSX file (it is not text in UTF-8 or EUC-KR).")))


def _read_csv(content: bytes) -> list[list[Any]]:
    if b"\x00" in content[:4096]:
        raise FileProblem(Problem(N_("The file is not a CSV or XLSX file (it contains binary data).")))
    text = _decode(content)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        # newline="": the csv module handles \r, \n and \r\n itself (also a bare \r inside a quoted cell).
        for i, row in enumerate(csv.reader(io.StringIO(text, newline=""), dialect)):
            if i > _limits.max_rows + 1:
                raise FileProblem(Problem(N_("The file has more than {limit} rows."), {"limit": _limits.max_rows}))
            rows.append(row)
    except csv.Error as exc:
        raise FileProblem(Problem(N_("The file could not be read as CSV ({reason})."), {"reason": str(exc)})) from None
    return rows


def read_table(filename: str, content: bytes) -> Table:
    """Bytes of a CSV or XLSX file → header + rows. Raises FileProblem for anything that is not such a file."""
    if not content or not content.strip():
        raise FileProblem(Problem(N_("The file is empty.")))
    if len(content) > _limits.max_bytes:
        raise FileProblem(Problem(N_("The file is too big ({size} kB; at most {limit} kB)."),
                                  {"size": len(content) // 1000, "limit": _limits.max_bytes // 1000}))
    name = (filename or "").lower()
    if content[:4] == b"PK\x03\x04":
        if not zipfile.is_zipfile(io.BytesIO(content)):
            raise FileProblem(Problem(N_("The file looks like XLSX but cannot be opened ({error})."),
                                      {"error": "BadZipFile"}))
        raw = _read_xlsx(content)
    elif name.endswith((".xlsx", ".xlsm")):
        raise FileProblem(Problem(N_("The file looks like XLSX but cannot be opened ({error})."),
                                  {"error": "not a zip archive"}))
    elif name.endswith((".xls", ".pdf", ".hwp", ".doc", ".docx", ".zip", ".png", ".jpg")):
        raise FileProblem(Problem(N_("Only CSV or XLSX files can be imported (got {name})."), {"name": filename}))
    else:
        raw = _read_csv(content)
    nonblank = [i for i, r in enumerate(raw or []) if any(v is not None and str(v).strip() for v in r)]
    if not nonblank:
        raise FileProblem(Problem(N_("The file is empty.")))
    first = nonblank[0]
    headers = [_clean_header(h) for h in raw[first]]
    return Table(headers, _numbered_rows(headers, raw[first + 1:], start=first + 2))


def _numbered_rows(headers: list[str], body: list[list[Any]], start: int) -> list[tuple[int, dict[str, Any]]]:
    """Row numbers as the person sees them in Excel (the header is row `start - 1`), blank rows skipped."""
    out = []
    for i, values in enumerate(body, start=start):
        # restore(): a cell our own export neutralised ('=…) comes back as it was
        row = {h: (restore(values[j]) if j < len(values) else None) for j, h in enumerate(headers) if h}
        if not _is_blank(row):
            out.append((i, row))
    return out


def detect_kind(table: Table) -> str | None:
    """courses or cohorts, from the columns."""
    cols = set(table.headers)
    if {"course_id", "no", "start"} <= cols:
        return "cohorts"
    if {"id", "title", "topic"} <= cols:
        return "courses"
    return None


def check_columns(table: Table, kind: str) -> None:
    required = COURSE_REQUIRED if kind == "courses" else COHORT_REQUIRED
    missing = [c for c in required if c not in table.headers]
    if missing:
        raise FileProblem(Problem(N_("Missing columns: {columns}. The first row must name the columns ({expected})."),
                                  {"columns": ", ".join(missing), "expected": ", ".join(required)}))
    if not table.rows:
        raise FileProblem(Problem(N_("The file has a header but no rows.")))


# -- values ---------------------------------------------------------------------------------------------
class _Bad(Exception):
    def __init__(self, message: str, **values) -> None:
        super().__init__(message)
        self.message, self.values = message, values


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _int(value: Any, *, minimum: int | None = None) -> int | None:
    s = _text(value).replace(",", "")
    if not s:
        return None
    try:
        n = int(float(s)) if re.fullmatch(r"-?\d+(\.0+)?", s) else int(s)
    except ValueError:
        raise _Bad(N_("“{value}” is not a whole number"), value=s[:40]) from None
    if minimum is not None and n < minimum:
        raise _Bad(N_("must be at least {minimum} (got {value})"), minimum=minimum, value=n)
    return n


def _float(value: Any) -> float | None:
    s = _text(value)
    if not s:
        return None
    try:
        f = float(s)
    except ValueError:
        raise _Bad(N_("“{value}” is not a number"), value=s[:40]) from None
    if f < 0 or f != f:
        raise _Bad(N_("must be at least {minimum} (got {value})"), minimum=0, value=s)
    return f


def _bool(value: Any) -> bool | None:
    s = _text(value).lower()
    if not s:
        return None
    if s in ("1", "true", "yes", "y", "o", "예", "네", "true.0"):
        return True
    if s in ("0", "false", "no", "n", "x", "아니오", "아니요"):
        return False
    raise _Bad(N_("“{value}” is not yes/no"), value=s[:40])


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = _text(value)
    m = re.fullmatch(r"(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?", s) or \
        re.fullmatch(r"(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일", s)
    if not m:
        raise _Bad(N_("“{value}” is not a date (use YYYY-MM-DD)"), value=s[:40])
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise _Bad(N_("“{value}” is not a date (use YYYY-MM-DD)"), value=s[:40]) from None


def _list(value: Any) -> list[str]:
    return [p.strip() for p in re.split(r"[,;|\n]", _text(value)) if p.strip()]


def _choice(value: Any, allowed: tuple[str, ...], default: str | None = None) -> str | None:
    s = _text(value).lower()
    if not s:
        return default
    if s not in allowed:
        raise _Bad(N_("“{value}” is not one of: {allowed}"), value=s[:40], allowed=", ".join(allowed))
    return s


def _limited(value: Any, limit: int) -> str:
    s = _text(value)
    if len(s) > limit:
        raise _Bad(N_("too long ({length} characters; at most {limit})"), length=len(s), limit=limit)
    return s


# -- planning -------------------------------------------------------------------------------------------
class _RowProblems(Exception):
    """Every bad cell of one row (a row is checked whole, so staff fix a file in one pass)."""

    def __init__(self, bads: list[_Bad]) -> None:
        super().__init__(bads[0].message)
        self.bads = bads


def _taker(row: dict, out: dict[str, Any], bads: list[_Bad]):
    """`take(column, parse, required=False)`: parse one cell into `out`; a bad or missing required cell is
    collected in `bads`, naming its column (in `values['__column']`)."""

    def take(column: str, fn, *, required: bool = False) -> None:
        if required and not _text(row.get(column)) and not isinstance(row.get(column), (date, datetime)):
            bads.append(_Bad(N_("required, but empty"), __column=column))
            return
        if column not in row:
            return
        try:
            value = fn(row[column])
        except _Bad as bad:
            bad.values["__column"] = column
            bads.append(bad)
            return
        if value is not None:
            out[column] = value

    return take


def _course_row(row: dict) -> dict:
    """Validated course fields from one row (raises _RowProblems with every bad cell)."""
    out: dict[str, Any] = {}
    bads: list[_Bad] = []
    take = _taker(row, out, bads)
    take("id", _slug, required=True)
    take("title", lambda v: _limited(v, 200), required=True)
    take("category", lambda v: _limited(v, 100), required=True)
    take("topic", _topic, required=True)
    take("delivery", lambda v: _choice(v, DELIVERIES), required=True)
    take("title_en", lambda v: _limited(v, 200) or None)
    take("duration_ko", lambda v: _limited(v, 64) or None)
    take("duration_en", lambda v: _limited(v, 64) or None)
    take("hours", _float)
    take("audience", lambda v: _text(v) or None)
    take("audience_en", lambda v: _text(v) or None)
    take("approval", lambda v: _choice(v, APPROVALS))
    for name in LIST_FIELDS:
        take(name, lambda v: _list(v) or None)
    take("description", lambda v: _text(v) or None)
    take("description_en", lambda v: _text(v) or None)
    take("source", lambda v: _limited(v, 16) or None)
    take("active", _bool)
    take("venue", lambda v: _limited(v, 200) or None)
    take("online_link", lambda v: _limited(v, 300) or None)
    take("bring", lambda v: _text(v) or None)
    if bads:
        raise _RowProblems(bads)
    return out


def _slug(value: Any) -> str:
    s = _text(value)
    if not SLUG.fullmatch(s):
        raise _Bad(N_("“{value}” is not a valid id (lower-case letters, digits and -, at most 32)"), value=s[:40])
    return s


def _topic(value: Any) -> str:
    s = _text(value).lower()
    if s not in TOPICS:
        raise _Bad(N_("unknown topic “{value}” (known: {allowed})"), value=s[:40], allowed=", ".join(TOPICS))
    return s


def _cohort_row(row: dict) -> dict:
    out: dict[str, Any] = {}
    bads: list[_Bad] = []
    take = _taker(row, out, bads)
    take("course_id", _slug, required=True)
    take("year", _year)
    take("no", lambda v: _int(v, minimum=1), required=True)
    take("start", _date, required=True)
    take("end", _date)
    take("precision", lambda v: _choice(v, PRECISIONS))
    take("capacity", lambda v: _capacity(v))
    take("capacity_estimated", _bool)
    take("track", lambda v: _limited(v, 64) or None)
    take("track_en", lambda v: _limited(v, 64) or None)
    take("status", lambda v: _choice(v, COHORT_STATUSES))
    take("apply_until", _date)
    if "end" in out and "start" in out and out["end"] < out["start"]:
        bads.append(_Bad(N_("the end date {end} is before the start date {start}"), end=out["end"].isoformat(),
                         start=out["start"].isoformat(), __column="end"))
    if bads:
        raise _RowProblems(bads)
    return out


_UNLIMITED = object()


def _year(value: Any) -> int | None:
    from catalog.plan import MAX_YEAR, MIN_YEAR

    n = _int(value)
    if n is not None and not MIN_YEAR <= n <= MAX_YEAR:
        raise _Bad(N_("“{value}” is not a plan year"), value=n)
    return n


def _capacity(value: Any):
    s = _text(value).lower()
    if s in ("", "none", "unlimited", "무제한", "상시", "-"):
        return _UNLIMITED if s else None
    return _int(value, minimum=0)


def _problem(bad: _Bad, row: int) -> Problem:
    values = dict(bad.values)
    column = values.pop("__column", None)
    return Problem(bad.message, values, row, column)


COURSE_DB_FIELDS = {
    "title": "title", "title_en": "title_en", "category": "category", "topic": "topic", "delivery": "delivery",
    "duration_ko": "duration_ko", "duration_en": "duration_en", "hours": "hours", "audience": "audience",
    "audience_en": "audience_en", "approval": "approval", "keywords": "keywords", "keywords_en": "keywords_en",
    "aliases": "aliases", "description": "description", "description_en": "description_en", "source": "source",
    "active": "active", "venue": "venue", "online_link": "online_link", "bring": "bring",
}


async def _let_others_in(i: int) -> None:
    """Checking thousands of rows is plain CPU work on the event loop: let other people's turns in now and then."""
    if i and i % 100 == 0:
        await asyncio.sleep(0)


async def plan_courses(session: AsyncSession, table: Table) -> ImportPlan:
    check_columns(table, "courses")
    plan = ImportPlan("courses", rows=len(table.rows))
    existing = {c.id: c for c in (await session.execute(select(Course))).scalars()}
    seen: dict[str, int] = {}
    for i, (rowno, row) in enumerate(table.rows):
        await _let_others_in(i)
        try:
            fields = _course_row(row)
        except _RowProblems as bad:
            plan.errors.extend(_problem(b, rowno) for b in bad.bads)
            continue
        cid = fields.pop("id")
        if cid in seen:
            plan.errors.append(Problem(N_("the id {id} is already on row {other}"), {"id": cid, "other": seen[cid]},
                                       rowno, "id"))
            continue
        seen[cid] = rowno
        current = existing.get(cid)
        if current is None:
            fields.setdefault("title_en", fields["title"])
            plan.changes.append(Change("course", cid, "added", fields, course_id=cid))
            continue
        changed = tuple(k for k, v in fields.items() if getattr(current, COURSE_DB_FIELDS[k]) != v)
        plan.changes.append(Change("course", cid, "updated" if changed else "unchanged", fields, changed, course_id=cid))
    return plan


async def plan_cohorts(session: AsyncSession, table: Table, default_year: int, *,
                       extra_courses: set[str] = frozenset()) -> ImportPlan:
    """Cohorts are keyed by (course, plan year, number); a row without a year is of `default_year` (the current
    plan year), so next year's cohort #1 never touches this year's. `extra_courses`: courses added by the same
    file (a plan workbook's courses sheet)."""
    check_columns(table, "cohorts")
    plan = ImportPlan("cohorts", rows=len(table.rows))
    courses = set((await session.execute(select(Course.id))).scalars()) | set(extra_courses)
    existing = {(c.course_id, c.year, c.number): c for c in (await session.execute(select(Cohort))).scalars()}
    taken = {cohort_id: n for cohort_id, n in await session.execute(
        select(Enrollment.cohort_id, func.count()).where(Enrollment.status.in_(SEAT_HOLDING))
        .group_by(Enrollment.cohort_id))}
    seen: dict[tuple[str, int, int], int] = {}
    for i, (rowno, row) in enumerate(table.rows):
        await _let_others_in(i)
        try:
            fields = _cohort_row(row)
        except _RowProblems as bad:
            plan.errors.extend(_problem(b, rowno) for b in bad.bads)
            continue
        course_id, number = fields.pop("course_id"), fields.pop("no")
        year = fields.pop("year", default_year)
        if course_id not in courses:
            plan.errors.append(Problem(N_("no course with id {id} (import the course first)"), {"id": course_id},
                                       rowno, "course_id"))
            continue
        if (course_id, year, number) in seen:
            plan.errors.append(Problem(N_("cohort #{number} of {id} is already on row {other}"),
                                       {"number": number, "id": course_id, "other": seen[(course_id, year, number)]},
                                       rowno, "no"))
            continue
        seen[(course_id, year, number)] = rowno
        fields["start_on"] = fields.pop("start")
        if "end" in fields:
            fields["end_on"] = fields.pop("end")
        if fields.get("capacity") is _UNLIMITED:
            fields["capacity"] = None
        current = existing.get((course_id, year, number))
        key = f"{course_id} {year} #{number}"
        if current is None:
            fields.setdefault("end_on", fields["start_on"])
            plan.changes.append(Change("cohort", key, "added", fields, course_id=course_id, number=number, year=year))
            continue
        end_on = fields.get("end_on", current.end_on)
        if end_on < fields["start_on"]:
            plan.errors.append(Problem(N_("the end date {end} is before the start date {start}"),
                                       {"end": end_on.isoformat(), "start": fields["start_on"].isoformat()},
                                       rowno, "start"))
            continue
        capacity = fields.get("capacity", current.capacity)
        held = taken.get(current.id, 0)
        if capacity is not None and capacity < held:
            plan.errors.append(Problem(N_("capacity {capacity} is below the {taken} seats already taken"),
                                       {"capacity": capacity, "taken": held}, rowno, "capacity"))
            continue
        changed = tuple(k for k, v in fields.items() if getattr(current, k) != v)
        plan.changes.append(Change("cohort", key, "updated" if changed else "unchanged", fields, changed,
                                   course_id=course_id, number=number, year=year))
    return plan


def control_problems(table: Table) -> list[Problem]:
    """Cells holding control characters (NUL, escape…): refused with their row and column, never stored."""
    return [Problem(N_("contains control characters (such as NUL); retype the cell"), {}, rowno, column)
            for rowno, row in table.rows for column, value in row.items()
            if isinstance(value, str) and control_characters(value)]


async def plan_import(session: AsyncSession, kind: str, table: Table, default_year: int) -> ImportPlan:
    if kind == "courses":
        plan = await plan_courses(session, table)
    elif kind == "cohorts":
        plan = await plan_cohorts(session, table, default_year)
    else:
        raise ValueError(kind)
    bad = control_problems(table)
    if bad:
        bad_rows = {p.row for p in bad}
        plan.errors = sorted(bad + [p for p in plan.errors if p.row not in bad_rows], key=lambda p: p.row or 0)
    return plan


async def _lock_resized_cohorts(session: AsyncSession, plan: ImportPlan) -> list[int]:
    """Lock every cohort whose capacity the plan changes (in id order: no deadlock with a bulk approval) and check
    the new capacity against the seats held now, under the lock: the plan's own check ran without one, and a
    request may have taken a seat since. A capacity below them becomes an error of the plan (nothing is written).
    Returns the cohorts whose capacity grows, whose waitlists are then promoted."""
    targets = []
    for change in plan.changes:
        if change.kind == "cohort" and change.action == "updated" and "capacity" in change.changed:
            cohort_id = (await session.execute(select(Cohort.id).where(
                Cohort.course_id == change.course_id, Cohort.year == change.year,
                Cohort.number == change.number))).scalar_one()
            targets.append((cohort_id, change))
    grows = []
    for cohort_id, change in sorted(targets, key=lambda t: t[0]):
        held = await lock_seats(session, cohort_id) or 0
        capacity = change.fields["capacity"]
        if capacity is not None and capacity < held:
            plan.errors.append(Problem(N_("capacity {capacity} is below the {taken} seats already taken"),
                                       {"capacity": capacity, "taken": held}, None, "capacity"))
        else:
            grows.append(cohort_id)
    return grows


async def apply_plan(session: AsyncSession, plan: ImportPlan, now: datetime) -> ImportResult:
    """Write a valid plan (in the caller's transaction). A plan with errors writes nothing."""
    result = ImportResult(plan, applied=False)
    if not plan.ok:
        return result
    resized = await _lock_resized_cohorts(session, plan)
    if not plan.ok:
        return result
    for change in plan.changes:
        if change.action == "unchanged":
            continue
        if change.kind == "course":
            if change.action == "added":
                session.add(Course(id=change.course_id, **change.fields, created_at=now, updated_at=now))
                result.new_courses.append(change.course_id)
            else:
                course = await session.get(Course, change.course_id)
                for k in change.changed:
                    setattr(course, COURSE_DB_FIELDS[k], change.fields[k])
                course.updated_at = now
        else:
            # The course's schedule changed: its updated_at is what running bots watch (catalog_version).
            course = await session.get(Course, change.course_id)
            course.updated_at = now
            result.years.add(change.year)
            await ensure_year(session, change.year, now)  # a new year starts as a draft
            if change.action == "added":
                cohort = Cohort(course_id=change.course_id, year=change.year, number=change.number, created_at=now,
                                **change.fields)
                session.add(cohort)
                await session.flush()
                result.new_cohorts.setdefault(change.course_id, []).append(cohort.id)
            else:
                cohort = (await session.execute(select(Cohort).where(
                    Cohort.course_id == change.course_id, Cohort.year == change.year,
                    Cohort.number == change.number))).scalar_one()
                for k in change.changed:
                    setattr(cohort, k, change.fields[k])
                if {"start_on", "end_on", "precision"} & set(change.changed):
                    result.changed_cohorts.append(cohort.id)
    await session.flush()
    for cohort_id in resized:  # more seats (or no limit any more): the people waiting get them, in order
        result.promoted += len(await promote_waitlist(session, cohort_id=cohort_id, now=now))
    result.applied = True
    return result


async def import_file(session: AsyncSession, filename: str, content: bytes, now: datetime, *, actor: Actor,
                      kind: str | None = None, dry_run: bool = False, default_year: int | None = None) -> ImportResult:
    """Read, validate and (unless dry_run or any error) apply. Raises FileProblem for an unreadable file.
    Cohort rows without a year are of `default_year`, by default the current plan year.
    Staff only (a dry run too: it reveals what the catalog holds); an applied import is recorded."""
    await require_staff(session, actor, "import.catalog")
    # Parsed in a worker thread: a big or hostile workbook never stalls other people's turns on the event loop.
    table = await asyncio.to_thread(read_table, filename, content)
    detected = detect_kind(table)
    kind = kind or detected
    if kind is None:
        raise FileProblem(Problem(
            N_("I cannot tell what this file contains. Courses need the columns {courses}; cohorts need {cohorts}."),
            {"courses": ", ".join(COURSE_REQUIRED), "cohorts": ", ".join(COHORT_REQUIRED)}))
    if default_year is None:
        default_year = await current_year(session, now.date())
    plan = await plan_import(session, kind, table, default_year)
    if dry_run or not plan.ok:
        return ImportResult(plan, applied=False)
    result = await apply_plan(session, plan, now)
    await record(session, actor, f"import.{kind}", now=now, detail={
        "rows": plan.rows, "added": plan.count("added"), "updated": plan.count("updated")})
    return result
