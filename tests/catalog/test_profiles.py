"""Profiles: answers people type are understood (dates, ranks), stored only after consent, and /forget deletes them."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from catalog.profiles import (
    RANKS, ProfileError, clean_department, clean_employee_no, clean_name, clean_position, clean_rank, forget,
    get_profile, parse_day, save_profile, update_profile,
)
from db.clock import FakeClock
from db.models import Cohort, Enrollment, ExamRound, ExamSubscription, InterviewSlot, Profile, User
from db.session import session_scope

NOW = FakeClock("2022-01-03T09:00").now()


# -- dates as people type them -------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("1965-03-31", date(1965, 3, 31)),
    ("2032.6.30", date(2032, 6, 30)),
    ("2032. 6. 30.", date(2032, 6, 30)),
    ("2032/06/30", date(2032, 6, 30)),
    ("20320630", date(2032, 6, 30)),
    ("2032년 6월 30일", date(2032, 6, 30)),
    ("2032년6월30일", date(2032, 6, 30)),
    ("95.3.2", date(1995, 3, 2)),
    ("２０３２．６．３０", date(2032, 6, 30)),  # full-width digits from a Korean keyboard
    ("2032년 6월 30일 예정", date(2032, 6, 30)),
])
def test_exact_dates_in_every_common_korean_spelling(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize("text, start, end", [
    ("2032년 6월", date(2032, 6, 1), date(2032, 6, 30)),
    ("2032-06", date(2032, 6, 1), date(2032, 6, 30)),
    ("2032.12", date(2032, 12, 1), date(2032, 12, 31)),
    ("2032년 2월말", date(2032, 2, 1), date(2032, 2, 29)),
])
def test_a_month_alone_means_its_first_day_or_for_retirement_its_last(text, start, end):
    assert parse_day(text) == start
    assert parse_day(text, period_end=True) == end


@pytest.mark.parametrize("text", ["", "내년", "2032", "2032-02-30", "2032.13.1", "6월 30일", "abc", "1965-03-31-01"])
def test_what_is_not_a_date_is_not_guessed(text):
    assert parse_day(text) is None


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)),
       st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}.{m}.{d}", "{y}년 {m}월 {d}일", "{y}/{m}/{d}", "{y}{m:02d}{d:02d}"]))
def test_any_date_written_any_way_reads_back(day, pattern):
    assert parse_day(pattern.format(y=day.year, m=day.month, d=day.day)) == day


# -- other answers -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, rank", [("6급", "6급"), ("6", "6급"), (" 7 급 ", "7급"), ("Grade 5", "5급"),
                                        ("임기제", "임기제"), ("무기계약직", "공무직"), ("전문경력관", "전문경력관")])
def test_ranks_are_read_into_the_fixed_list(text, rank):
    assert clean_rank(text) == rank
    assert rank in RANKS


@pytest.mark.parametrize("text", ["2급", "10급", "사무관", ""])
def test_unknown_ranks_are_refused_with_the_list(text):
    with pytest.raises(ProfileError) as err:
        clean_rank(text)
    assert err.value.code == "rank" and err.value.params["ranks"] == list(RANKS)


def test_names_positions_and_employee_numbers():
    assert clean_name("  김   서울 ") == "김 서울"
    for bad in ("", "   ", "1234", "😀"):
        with pytest.raises(ProfileError):
            clean_name(bad)
    with pytest.raises(ProfileError) as err:
        clean_name("가" * 65)
    assert err.value.code == "too_long"
    assert clean_position("팀장") == "팀장" and clean_position("없음") is None and clean_position(None) is None
    # typed sentences at the "과장 또는 팀장이신가요?" question
    assert clean_position("저는 과장입니다") == "과장" and clean_position("팀장이에요") == "팀장"
    assert clean_position("team leader") == "팀장" and clean_position("Division head") == "과장"
    for none in ("아니요", "해당 없어요", "둘 다 아닙니다", "no, neither"):
        assert clean_position(none) is None, none
    for unclear in ("팀장 아님", "과장 팀장", "과장은 아닙니다"):  # a negation or both: ask again rather than guess
        with pytest.raises(ProfileError):
            clean_position(unclear)
    with pytest.raises(ProfileError):
        clean_position("국장")
    assert clean_employee_no(" 2021-0345 ") == "2021-0345" and clean_employee_no("") is None
    with pytest.raises(ProfileError):
        clean_employee_no("12 34; DROP")


# -- stored only after consent, validated, deleted by forget ------------------------------------------------
async def add_user(session, user_id: int = 501) -> None:
    session.add(User(id=user_id, chat_id=user_id, first_name="서울", username="seoul_kim", created_at=NOW))
    await session.flush()


async def test_a_profile_needs_consent_and_reads_back(db):
    async with session_scope(db.sessionmaker) as session:
        await add_user(session)
        with pytest.raises(ProfileError) as err:
            await save_profile(session, 501, now=NOW, full_name="김서울", department="교육기획과", rank="6급")
        assert err.value.code == "consent_needed"
        saved = await save_profile(session, 501, now=NOW, consent_at=NOW, full_name="김서울", department="교육기획과",
                                   rank="6", position="팀장", hired_on=date(1995, 3, 2), retirement_on=date(2032, 6, 30))
    async with session_scope(db.sessionmaker) as session:
        view = await get_profile(session, 501)
    assert view == saved
    assert (view.rank, view.position, view.retirement_on) == ("6급", "팀장", date(2032, 6, 30))
    assert view.consent_at == NOW


async def test_dates_are_checked_against_today_and_each_other(db):
    async with session_scope(db.sessionmaker) as session:
        await add_user(session)
        base = dict(now=NOW, consent_at=NOW, full_name="김서울", department="교육기획과", rank="6급")
        for kwargs, code in [
            ({"hired_on": date(2023, 1, 1)}, "hired_future"),
            ({"retirement_on": date(2021, 12, 31)}, "retirement_past"),
            ({"retirement_on": date(2099, 12, 31)}, "date_range"),
            ({"hired_on": date(2020, 1, 1), "retirement_on": date(2019, 12, 31)}, "retirement_past"),
        ]:
            with pytest.raises(ProfileError) as err:
                await save_profile(session, 501, **base, **kwargs)
            assert err.value.code == code
        assert await get_profile(session, 501) is None


async def test_editing_one_field_keeps_the_others(db):
    async with session_scope(db.sessionmaker) as session:
        await add_user(session)
        await save_profile(session, 501, now=NOW, consent_at=NOW, full_name="김서울", department="교육기획과",
                           rank="6급", employee_no="123")
        later = datetime.fromisoformat("2022-02-01T10:00+09:00")
        view = await update_profile(session, 501, now=later, retirement_on=date(2030, 12, 31), employee_no=None)
    assert (view.full_name, view.rank, view.retirement_on, view.employee_no) == ("김서울", "6급", date(2030, 12, 31), None)
    async with session_scope(db.sessionmaker) as session:
        with pytest.raises(ProfileError) as err:
            await update_profile(session, 501, now=NOW, rank="장관")
        assert err.value.code == "rank"
        with pytest.raises(ProfileError) as err:
            await update_profile(session, 999, now=NOW, rank="6급")
        assert err.value.code == "no_profile"


async def test_forget_deletes_personal_data_and_keeps_seat_records_without_it(db):
    async with session_scope(db.sessionmaker) as session:
        await add_user(session)
        await add_user(session, 502)
        await save_profile(session, 501, now=NOW, consent_at=NOW, full_name="김서울", department="교육기획과",
                           rank="6급", retirement_on=date(2030, 6, 30))
        await save_profile(session, 502, now=NOW, consent_at=NOW, full_name="이한강", department="인사과", rank="7급")
        cohort_id = (await session.execute(select(Cohort.id).limit(1))).scalar_one_or_none()
        if cohort_id is None:
            pytest.skip("no cohort in the seeded catalog")
        session.add(Enrollment(user_id=501, cohort_id=cohort_id, status="confirmed", requested_at=NOW,
                               details={"program": "retirement", "track": "귀농귀촌", "retirement_on": "2030-06-30",
                                        "family": True}))
        round_id = (await session.execute(select(ExamRound.id).limit(1))).scalar_one_or_none()
        if round_id is not None:
            session.add(ExamSubscription(user_id=501, round_id=round_id, applicant_no="A-123", created_at=NOW))
            session.add(InterviewSlot(round_id=round_id, user_id=501, starts_at=NOW, place="본관", updated_at=NOW))
        user = await session.get(User, 501)
        user.flow, user.flow_step, user.flow_data = "profile", "name", {"full_name": "김서울"}

    async with session_scope(db.sessionmaker) as session:
        report = await forget(session, 501, NOW)
    assert report.profile_deleted and report.enrollments_kept == 1 and report.details_cleared == 1
    assert report.interview_slots_deleted == (1 if round_id else 0)

    async with session_scope(db.sessionmaker) as session:
        assert await get_profile(session, 501) is None
        assert await get_profile(session, 502) is not None  # nobody else's data is touched
        enrollment = (await session.execute(select(Enrollment).where(Enrollment.user_id == 501))).scalar_one()
        assert enrollment.status == "confirmed"  # the seat is still held
        assert enrollment.details == {"program": "retirement", "track": "귀농귀촌", "personal_data_deleted": "2022-01-03"}
        user = await session.get(User, 501)
        assert (user.first_name, user.username, user.flow, user.flow_data) == ("", None, None, None)
        assert (await session.execute(select(InterviewSlot).where(InterviewSlot.user_id == 501))).first() is None
        numbers = (await session.execute(select(ExamSubscription.applicant_no).where(ExamSubscription.user_id == 501))).scalars().all()
        assert all(n is None for n in numbers)
        assert (await session.execute(select(Profile))).scalars().all()[0].user_id == 502

    async with session_scope(db.sessionmaker) as session:  # twice is harmless
        again = await forget(session, 501, NOW)
    assert not again.profile_deleted and again.details_cleared == 0


def test_control_characters_never_reach_the_database():
    # PostgreSQL refuses NUL in text; a pasted answer may carry one.
    assert clean_name("김\x00서울") == "김서울" and clean_department("교육\x00기획과\x07") == "교육기획과"
    assert clean_name("👨\u200d👩\u200d👧 김") == "👨\u200d👩\u200d👧 김"  # joiners inside emoji are kept
