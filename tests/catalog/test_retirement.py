"""Retirement programmes from the catalog (by topic, not by id), sign-up intent in free text, and submitting."""
from __future__ import annotations

from datetime import date

import pytest

from catalog.profiles import ProfileView, get_profile, save_profile
from catalog.retirement import SignUp, cohort_choices, first_refusal, match_hint, programs, signup_request, submit
from db.clock import parse_moment
from db.models import User
from db.session import session_scope

NOW = parse_moment("2022-01-03T09:00")


@pytest.mark.parametrize("text, hint", [
    ("퇴직 준비 교육 신청하고 싶어요", "any"),
    ("은퇴 준비 과정 신청", "any"),
    ("인생이모작 신청", "second"),
    ("인생 이모작 과정 등록하고 싶습니다", "second"),
    ("행복한 미래설계 신청할게요", "future"),
    ("퇴직 교육 받고 싶어요", "any"),
    ("노후 준비 교육 듣고 싶어요", "any"),
    ("I want to sign up for retirement training", "any"),
])
def test_sign_up_requests_are_recognised(text, hint):
    assert signup_request(text) == hint


@pytest.mark.parametrize("text", ["퇴직", "인생이모작", "퇴직 준비", "미래설계", "엑셀 신청", "신청", "retirement",
                                  "퇴직 예정 공무원 제2인생 설계 지원", "x" * 200 + " 퇴직 신청"])
def test_searches_and_other_requests_are_not(text):
    assert signup_request(text) is None


async def test_the_two_programmes_of_the_report_come_from_the_catalog(db):
    async with session_scope(db.sessionmaker) as session:
        found = await programs(session)
    assert len(found) == 2
    future, second = found  # the 2-week programme (826 seats) first
    assert "미래설계" in future.title and future.capacity == 826 and len(future.cohorts) == 6
    assert future.family_programme and not future.tracks
    assert "이모작" in second.title and second.capacity == 160 and len(second.cohorts) == 4
    assert not second.family_programme
    assert [t.name for t in second.tracks] == ["귀농귀촌", "재취업·창업"]
    assert sorted(c.track for c in second.cohorts) == ["귀농귀촌", "귀농귀촌", "재취업·창업", "재취업·창업"]
    assert second.eligibility.get("retirement_within_years") == 10
    assert match_hint(found, "second") is second and match_hint(found, "future") is future


async def test_cohort_choices_follow_the_retirement_date(db):
    async with session_scope(db.sessionmaker) as session:
        _, second = await programs(session)
    me = ProfileView(1, "김서울", "교육기획과", "5급")
    today = date(2022, 1, 3)
    close = cohort_choices(second, me.with_changes(retirement_on=date(2030, 6, 30)), today)
    assert len(close) == 4 and all(ch.ok for ch in close)
    far = cohort_choices(second, me.with_changes(retirement_on=date(2037, 6, 30)), today)
    refusal = first_refusal(far)
    assert refusal is not None and refusal.code == "retirement" and refusal.params["years_left"] == 15
    # One track only; and a quarter that is over is no longer offered.
    assert [ch.cohort.number for ch in cohort_choices(second, me.with_changes(retirement_on=date(2030, 6, 30)),
                                                      today, "귀농귀촌")] == [1, 3]
    assert [ch.cohort.number for ch in cohort_choices(second, None, date(2022, 4, 2))] == [2, 3, 4]


async def test_submit_updates_the_retirement_date_and_requests_the_seat(db):
    async with session_scope(db.sessionmaker) as session:
        session.add(User(id=77, chat_id=77, created_at=NOW))
        await session.flush()
        await save_profile(session, 77, now=NOW, consent_at=NOW, full_name="김서울", department="교육기획과",
                           rank="5급", retirement_on=date(2040, 6, 30))
        _, second = await programs(session)
        cohort = second.cohorts[0]
        outcome = await submit(session, user_id=77, now=NOW, signup=SignUp(
            course_id=second.course_id, cohort_id=cohort.id, retirement_on=date(2031, 6, 30), track=cohort.track))
        assert outcome.status in ("pending", "confirmed")
        assert (await get_profile(session, 77)).retirement_on == date(2031, 6, 30)
        assert outcome.enrollment.details == {"program": "retirement", "course_id": second.course_id,
                                              "retirement_on": "2031-06-30", "track": cohort.track}
