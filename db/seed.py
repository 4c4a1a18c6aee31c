"""Seeder: the Center's first plan (catalog and exam calendar) from the project's own YAML (catalog/data/).

It fills an EMPTY database only: the catalog when there is no course and no plan year yet, the exam calendar
when there is no exam round yet. Once staff have the data, it is theirs: a course they retired, a cohort they
moved or a year they re-planned is never put back by a later run (every `hrdbot run` seeds on start).
The seeded plan year (the files' `year:`) is published: it is what the bot shows out of the box.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Cohort, Course, ExamEvent, ExamRound, PlanYear

DATA = Path(__file__).resolve().parent.parent / "catalog" / "data"


@dataclass
class SeedReport:
    courses: int = 0
    cohorts: int = 0
    rounds: int = 0
    events: int = 0

    @property
    def total(self) -> int:
        return self.courses + self.cohorts + self.rounds + self.events


def read_yaml(name: str, data_dir: Path = DATA) -> dict:
    with (data_dir / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def course_fields(raw: dict) -> dict:
    duration = raw.get("duration") or {}
    return dict(
        title=raw["title"], title_en=raw.get("title_en") or raw["title"], category=raw["category"],
        topic=raw.get("topic", ""), delivery=raw["delivery"],
        duration_ko=str(duration.get("ko", "")), duration_en=str(duration.get("en", "")), hours=duration.get("hours"),
        audience=raw.get("audience", ""), audience_en=raw.get("audience_en", ""),
        eligibility=raw.get("eligibility") or {}, approval=raw.get("approval", "auto"),
        keywords=list(raw.get("keywords") or []), keywords_en=list(raw.get("keywords_en") or []),
        aliases=list(raw.get("aliases") or []), description=raw.get("description", ""),
        description_en=raw.get("description_en", ""), source=str(raw.get("source", "")),
    )


def cohort_fields(raw: dict) -> dict:
    return dict(
        start_on=_day(raw["start"]), end_on=_day(raw.get("end") or raw["start"]),
        precision=raw.get("precision", "day"), capacity=raw.get("capacity"),
        capacity_estimated=bool(raw.get("capacity_estimated", False)),
        track=raw.get("track"), track_en=raw.get("track_en"), status=raw.get("status", "open"),
    )


async def _has_any(session: AsyncSession, column) -> bool:
    return (await session.execute(select(column).limit(1))).first() is not None


async def _publish_seeded(session: AsyncSession, year: int, now: datetime) -> None:
    if await session.get(PlanYear, year) is None:
        session.add(PlanYear(year=year, published=True, published_at=now, created_at=now))
        await session.flush()


async def seed_catalog(session: AsyncSession, now: datetime, data_dir: Path = DATA) -> SeedReport:
    report = SeedReport()
    if await _has_any(session, Course.id) or await _has_any(session, PlanYear.year):
        return report  # not an empty database: staff own the catalog now
    data = read_yaml("courses.yaml", data_dir)
    year = int(data["year"])
    await _publish_seeded(session, year, now)
    for raw in data.get("courses", []):
        session.add(Course(id=raw["id"], **course_fields(raw), active=True, created_at=now, updated_at=now))
        report.courses += 1
        for c in raw.get("cohorts") or []:
            session.add(Cohort(course_id=raw["id"], year=year, number=int(c["no"]), **cohort_fields(c), created_at=now))
            report.cohorts += 1
    await session.flush()
    return report


async def seed_exams(session: AsyncSession, now: datetime, data_dir: Path = DATA) -> SeedReport:
    report = SeedReport()
    if await _has_any(session, ExamRound.id):
        return report
    data = read_yaml("exams.yaml", data_dir)
    year = int(data["year"])
    await _publish_seeded(session, year, now)
    for raw in data.get("rounds", []):
        session.add(ExamRound(
            id=raw["id"], year=year, kind=raw["kind"], title=raw["title"], title_en=raw.get("title_en") or raw["title"],
            selection=raw.get("selection"), selection_note=raw.get("selection_note") or "",
            note=raw.get("note") or "", note_en=raw.get("note_en") or "", updated_at=now,
        ))
        report.rounds += 1
        await session.flush()
        for e in raw.get("events") or []:
            session.add(ExamEvent(round_id=raw["id"], kind=e["kind"], start_on=_day(e["start"]),
                                  end_on=_day(e.get("end") or e["start"]), precision=e.get("precision", "day"),
                                  updated_at=now))
            report.events += 1
    await session.flush()
    return report


async def seed_all(session: AsyncSession, now: datetime, data_dir: Path = DATA) -> SeedReport:
    a = await seed_catalog(session, now, data_dir)
    b = await seed_exams(session, now, data_dir)
    return SeedReport(a.courses, a.cohorts, b.rounds, b.events)
