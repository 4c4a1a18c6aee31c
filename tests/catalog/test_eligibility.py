"""Entry conditions from the report: who may take a course, and a reason (code + facts) when not."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.eligibility import (
    CODES, Refusal, add_months, add_years, check, first_start_within, restricts, whole_years_between,
)
from catalog.profiles import POSITIONS, RANKS, ProfileView

START = date(2022, 5, 9)


def person(**changes) -> ProfileView:
    base = ProfileView(user_id=1, full_name="김서울", department="인재개발원 교육기획과", rank="6급")
    return base.with_changes(**changes)


# -- no rule, no profile -------------------------------------------------------------------------------------
def test_a_course_without_conditions_is_open_to_everyone_even_without_a_profile():
    assert check({}, None, START) is None
    assert check(None, None, START) is None
    assert check({"note": "누구나", "note_en": "anyone"}, None, START) is None
    assert not restricts({"note": "4급 승진자"})


def test_a_course_with_conditions_needs_a_profile_first():
    assert check({"ranks": ["6급"]}, None, START) == Refusal("profile_needed", {})
    assert check({"retirement_within_years": 10}, None, START).code == "profile_needed"


# -- rank and position ---------------------------------------------------------------------------------------
def test_rank_courses_take_only_those_ranks_and_say_which():
    rule = {"ranks": ["6급"], "note": "6급 미래인재"}
    assert check(rule, person(rank="6급"), START) is None
    refusal = check(rule, person(rank="7급"), START)
    assert refusal == Refusal("rank", {"required": ["6급"], "rank": "7급"})


def test_promotion_leadership_by_several_ranks():
    rule = {"ranks": ["4급", "5급"]}
    assert check(rule, person(rank="5급"), START) is None
    assert check(rule, person(rank="4급"), START) is None
    assert check(rule, person(rank="공무직"), START).params["required"] == ["4급", "5급"]


def test_a_single_rank_written_as_a_string_still_works():
    assert check({"ranks": "6급"}, person(rank="6급"), START) is None
    assert check({"ranks": "6급"}, person(rank="5급"), START).code == "rank"


def test_position_courses_for_team_leaders_and_division_heads():
    assert check({"positions": ["팀장"]}, person(position="팀장"), START) is None
    refusal = check({"positions": ["과장"]}, person(position="팀장"), START)
    assert refusal == Refusal("position", {"required": ["과장"], "position": "팀장"})
    assert check({"positions": ["과장"]}, person(position=""), START).params["position"] == ""  # neither


# -- new hires -----------------------------------------------------------------------------------------------
def test_new_hire_courses_take_people_hired_within_the_window_before_the_start():
    rule = {"hired_within_months": 24}
    assert check(rule, person(hired_on=date(2021, 3, 2)), START) is None
    assert check(rule, person(hired_on=add_months(START, -24)), START) is None  # the first day that counts
    old = check(rule, person(hired_on=date(2019, 3, 4)), START)
    assert old.code == "new_hire"
    assert old.params["months"] == 24 and old.params["since"] == "2020-05-09" and old.params["hired_on"] == "2019-03-04"


def test_new_hire_without_a_hire_date_is_asked_for_it():
    refusal = check({"hired_within_months": 12}, person(hired_on=None), START)
    assert refusal.code == "profile_needed" and refusal.params["fields"] == ["hired_on"]


def test_what_the_profile_does_not_say_is_asked_for_and_an_answered_neither_is_an_answer():
    rule = {"ranks": ["6급"], "positions": ["과장"], "hired_within_months": 12}
    refusal = check(rule, person(rank="", position=None, hired_on=None), START)
    assert refusal.code == "profile_needed" and refusal.params["fields"] == ["rank", "position", "hired_on"]
    assert check(rule, person(rank="6급", position="", hired_on=START), START).code == "position"  # "": neither


def test_someone_hired_after_the_cohort_starts_cannot_take_it():
    refusal = check({"hired_within_months": 12}, person(hired_on=START + timedelta(days=1)), START)
    assert refusal.code == "new_hire" and refusal.params["not_yet"] is True


# -- retirement ----------------------------------------------------------------------------------------------
def test_second_career_programme_is_for_people_within_ten_years_of_retirement():
    rule = {"retirement_within_years": 10}
    assert check(rule, person(retirement_on=date(2030, 6, 30)), START) is None
    assert check(rule, person(retirement_on=date(2032, 5, 9)), START) is None  # exactly ten years: yes


def test_fifteen_years_from_retirement_is_refused_with_years_left_and_when_it_opens():
    refusal = check({"retirement_within_years": 10}, person(retirement_on=date(2037, 6, 30)), START)
    assert refusal.code == "retirement"
    assert refusal.params["years"] == 10
    assert refusal.params["years_left"] == 15
    assert refusal.params["retirement_on"] == "2037-06-30"
    assert refusal.params["eligible_from"] == "2027-06-30"


def test_retiring_before_the_cohort_starts_is_refused():
    refusal = check({"retirement_within_years": 10}, person(retirement_on=START - timedelta(days=1)), START)
    assert refusal.code == "retirement" and refusal.params["retired"] is True


def test_unknown_retirement_date_is_asked_for():
    refusal = check({"retirement_within_years": 10}, person(retirement_on=None), START)
    assert refusal.code == "profile_needed" and refusal.params["fields"] == ["retirement_on"]


def test_all_conditions_must_hold_and_the_first_failing_one_is_reported():
    rule = {"ranks": ["5급"], "positions": ["과장"], "retirement_within_years": 10}
    ok = person(rank="5급", position="과장", retirement_on=date(2028, 12, 31))
    assert check(rule, ok, START) is None
    assert check(rule, ok.with_changes(rank="4급"), START).code == "rank"
    assert check(rule, ok.with_changes(position="팀장"), START).code == "position"
    assert check(rule, ok.with_changes(retirement_on=date(2040, 12, 31)), START).code == "retirement"


def test_refusal_params_are_plain_json():
    import json

    refusal = check({"retirement_within_years": 10}, person(retirement_on=date(2037, 6, 30)), START)
    assert json.loads(json.dumps(refusal.params)) == refusal.params


# -- calendar arithmetic -------------------------------------------------------------------------------------
def test_month_arithmetic_clamps_to_the_end_of_the_month():
    assert add_months(date(2022, 1, 31), 1) == date(2022, 2, 28)
    assert add_months(date(2022, 3, 31), -1) == date(2022, 2, 28)
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert whole_years_between(date(2022, 5, 9), date(2037, 5, 8)) == 14
    assert whole_years_between(date(2022, 5, 9), date(2037, 5, 9)) == 15
    assert first_start_within(date(2032, 2, 29), 10) == date(2022, 3, 1)


# -- properties ----------------------------------------------------------------------------------------------
days = st.dates(min_value=date(1960, 1, 1), max_value=date(2080, 12, 31))
profiles = st.builds(
    ProfileView, user_id=st.just(1), full_name=st.just("김서울"), department=st.just("인재개발원"),
    rank=st.sampled_from(("", *RANKS)), position=st.sampled_from((None, "", *POSITIONS)),
    hired_on=st.none() | days, retirement_on=st.none() | days,
)
rules = st.fixed_dictionaries({}, optional={
    "ranks": st.lists(st.sampled_from(RANKS), min_size=1, max_size=3, unique=True),
    "positions": st.lists(st.sampled_from(POSITIONS), min_size=1, max_size=2, unique=True),
    "hired_within_months": st.integers(1, 60),
    "retirement_within_years": st.integers(1, 15),
    "note": st.text(max_size=10),
})


@settings(max_examples=300, deadline=None)
@given(rule=rules, profile=profiles, start=days)
def test_refused_exactly_when_a_condition_fails(rule, profile, start):
    refusal = check(rule, profile, start)
    unknown = [f for key, f in (("ranks", "rank"), ("positions", "position"), ("hired_within_months", "hired_on"),
                                ("retirement_within_years", "retirement_on"))
               if key in rule and getattr(profile, f) in ((None,) if f == "position" else (None, ""))]
    if unknown:  # asked for, never refused for it
        assert refusal == Refusal("profile_needed", {"fields": unknown})
        return
    expected_ok = (
        ("ranks" not in rule or profile.rank in rule["ranks"])
        and ("positions" not in rule or profile.position in rule["positions"])
        and ("hired_within_months" not in rule or (
            profile.hired_on is not None and add_months(start, -rule["hired_within_months"]) <= profile.hired_on <= start))
        and ("retirement_within_years" not in rule or (
            profile.retirement_on is not None
            and start <= profile.retirement_on <= add_years(start, rule["retirement_within_years"])))
    )
    assert (refusal is None) == expected_ok
    if refusal is not None:
        assert refusal.code in CODES and refusal.code != "profile_needed"


@settings(max_examples=300, deadline=None)
@given(retirement=days, start=days, years=st.integers(1, 15))
def test_too_early_refusals_name_the_first_start_that_would_be_accepted(retirement, start, years):
    rule = {"retirement_within_years": years}
    refusal = check(rule, person(retirement_on=retirement), start)
    if refusal is not None and "eligible_from" in refusal.params:
        opens = date.fromisoformat(refusal.params["eligible_from"])
        assert opens > start
        assert check(rule, person(retirement_on=retirement), opens) is None
        assert check(rule, person(retirement_on=retirement), opens - timedelta(days=1)) is not None
        assert refusal.params["years_left"] >= years


@settings(max_examples=200, deadline=None)
@given(rule=rules, start=days)
def test_without_a_profile_only_unrestricted_courses_are_open(rule, start):
    refusal = check(rule, None, start)
    assert (refusal is None) == (set(rule) <= {"note"})
