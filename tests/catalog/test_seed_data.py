"""The 2022 catalog as a user finds it after set-up: every course the report names, with the cohorts, seats,
dates and rules the report gives — on SQLite and PostgreSQL (the `db` fixture migrates and seeds both)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from catalog.center import center_info
from catalog.topics import TOPICS
from db.clock import FakeClock
from db.models import Cohort, Course
from db.seed import read_yaml, seed_all
from db.session import session_scope

RANKS = {"9급", "8급", "7급", "6급", "5급", "4급", "3급", "임기제", "공무직", "전문경력관"}
ELIGIBILITY_KEYS = {"ranks", "positions", "hired_within_months", "retirement_within_years", "note", "note_en",
                    "external"}
LANGUAGES = ["영어", "중국어", "일본어", "프랑스어", "스페인어", "포르투갈어", "아랍어", "이탈리아어", "태국어",
             "인도네시아어", "베트남어", "러시아어"]
CERTIFICATES = ["공인중개사", "주택관리사", "사회복지사", "공인노무사", "컴퓨터활용능력", "한자능력", "한국사능력", "손해평가사"]
IT_COURSES = ["메타버스를 활용한 가상오피스 구현", "블록코딩으로 쉽게 배우는 인공지능", "블록코딩으로 쉽게 배우는 사물인터넷",
              "R통계분석", "스마트워크를 위한 클라우드 활용", "스마트기기의 활용", "PC와 스마트폰 정보지키기", "파워포인트 활용",
              "업무에 바로 쓰는 엑셀", "보고서 꾸미기 스킬"]
JOB_COURSES = ["투자출연기관 청렴", "시민참여형 갈등조정관리 이해", "인문기술 융합적 사고력 향상", "4차 산업혁명을 활용한 행정혁신",
               "균형발전을 위한 서울 도시계획정책", "주거사다리 복원을 위한 서울주택정책", "혁신성장을 위한 서울경제 기획",
               "안심복지를 위한 서울복지정책 기획", "스마트에코도시를 위한 기후변화·서울교통정책 기획", "청렴",
               "시민참여정책의 행정적용", "실무관 산업안전 및 보건교육", "유형별 보고서 작성방법", "갈등관리 조정", "소통·홍보실무"]
ELEARNING = ["u-지식여행", "e-짬바 넘치는 MZ 일잘러 공무원 프로젝트", "e-디지털 커뮤니케이션", "e-정비사업 심화 1",
             "e-정비사업 심화 2", "e-정비사업 공공지원제도", "정밀안전진단 실무 실습", "e-인생이모작"]


@dataclass
class Catalog:
    courses: dict[str, Course]
    cohorts: dict[str, list[Cohort]]

    def by_title(self, title: str) -> Course:
        (course,) = [c for c in self.courses.values() if c.title == title]
        return course

    def of(self, title: str) -> list[Cohort]:
        return self.cohorts[self.by_title(title).id]

    def matching(self, predicate) -> list[Course]:
        return [c for c in self.courses.values() if predicate(c)]


async def load(db) -> Catalog:
    async with db.sessionmaker() as s:
        courses = {c.id: c for c in (await s.execute(select(Course))).scalars()}
        cohorts: dict[str, list[Cohort]] = {cid: [] for cid in courses}
        for h in (await s.execute(select(Cohort).order_by(Cohort.course_id, Cohort.number))).scalars():
            cohorts[h.course_id].append(h)
    return Catalog(courses, cohorts)


def quarter(d: date) -> int:
    return (d.month - 1) // 3 + 1


def per_quarter(cohorts: list[Cohort]) -> dict[int, int]:
    return dict(sorted(Counter(quarter(h.start_on) for h in cohorts).items()))


# ── what the user searches for is there ─────────────────────────────────────────────────────────────────────

async def test_the_12_foreign_languages_are_year_round_elearning_without_a_seat_limit(db):
    cat = await load(db)
    langs = cat.matching(lambda c: c.category == "e-러닝/개인학습/외국어")
    assert sorted(c.title.split()[0] for c in langs) == sorted(LANGUAGES)
    for course in langs:
        assert course.topic == "language" and course.delivery == "elearning" and course.approval == "auto"
        (cohort,) = cat.cohorts[course.id]
        assert cohort.capacity is None and cohort.precision == "year"
        assert (cohort.start_on, cohort.end_on) == (date(2022, 1, 1), date(2022, 12, 31))
    # English titles let the en UI (and English queries) find them
    assert {c.title_en.split()[0] for c in langs} >= {"French", "Thai", "Indonesian", "Portuguese"}


async def test_the_8_certificate_courses_of_footnote_3(db):
    cat = await load(db)
    certs = cat.matching(lambda c: c.category == "e-러닝/개인학습/자격증")
    assert sorted(c.title.split()[0] for c in certs) == sorted(CERTIFICATES)
    assert all(c.topic == "certificate" for c in certs)
    assert "컴활" in cat.by_title("컴퓨터활용능력 자격증 e-러닝").aliases


async def test_every_named_it_job_and_elearning_course_is_in_the_catalog(db):
    cat = await load(db)
    titles = {c.title for c in cat.courses.values()}
    assert set(IT_COURSES) <= titles
    assert set(JOB_COURSES) <= titles
    assert set(ELEARNING) <= titles
    for title in IT_COURSES:
        course = cat.by_title(title)
        assert course.category == "일반교육/직무역량/IT" and course.topic == "it" and course.approval == "auto"
        # IT runs 2022-03-02 – 12-07: no IT cohort before March
        assert all(h.start_on >= date(2022, 3, 1) and h.end_on.year == 2022 for h in cat.of(title))


async def test_the_old_name_of_the_split_redevelopment_course_finds_all_three_parts(db):
    cat = await load(db)
    parts = cat.matching(lambda c: "e-정비사업 아카데미 심화" in c.aliases)
    assert sorted(c.title for c in parts) == ["e-정비사업 공공지원제도", "e-정비사업 심화 1", "e-정비사업 심화 2"]


async def test_colloquial_words_people_type_are_keywords_or_aliases(db):
    cat = await load(db)

    def words(title: str) -> set[str]:
        c = cat.by_title(title)
        return {w.lower() for w in [*c.keywords, *c.keywords_en, *c.aliases]}

    assert {"엑셀", "excel"} <= words("업무에 바로 쓰는 엑셀")
    assert {"ppt", "피피티", "파워포인트"} <= words("파워포인트 활용")
    assert {"ai", "인공지능"} <= words("블록코딩으로 쉽게 배우는 인공지능")
    assert "iot" in words("블록코딩으로 쉽게 배우는 사물인터넷")
    assert {"노후", "은퇴"} <= words("행복한 미래설계 과정")
    assert {"귀농", "창업", "재취업", "은퇴"} <= words("인생이모작 준비 과정")
    assert "시정철학 공유 특별교육" in words("핵심가치 교육과정")
    assert "성과리더십" in words("성과 리더십 과정 (6급)")


# ── cohorts, seats and dates as the report gives them ──────────────────────────────────────────────────────

async def test_second_career_course_has_4_cohorts_of_40_in_two_tracks(db):
    cat = await load(db)
    course = cat.by_title("인생이모작 준비 과정")
    cohorts = cat.cohorts[course.id]
    assert [h.capacity for h in cohorts] == [40, 40, 40, 40]
    assert not any(h.capacity_estimated for h in cohorts)
    assert Counter(h.track for h in cohorts) == {"귀농귀촌": 2, "재취업·창업": 2}
    assert all(h.track_en for h in cohorts)
    assert per_quarter(cohorts) == {1: 1, 2: 1, 3: 2}
    assert course.eligibility["retirement_within_years"] == 10
    assert course.approval == "staff" and course.duration_ko == "4일"


async def test_happy_future_design_has_6_cohorts_for_826_people(db):
    cat = await load(db)
    course = cat.by_title("행복한 미래설계 과정")
    cohorts = cat.cohorts[course.id]
    assert sum(h.capacity for h in cohorts) == 826
    assert per_quarter(cohorts) == {1: 1, 2: 2, 3: 2, 4: 1}
    # one cohort in a quarter: the report's number, exact; two in a quarter: split, marked as an estimate
    assert [(h.capacity, h.capacity_estimated) for h in cohorts if quarter(h.start_on) in (1, 4)] == \
        [(125, False), (100, False)]
    assert all(h.capacity_estimated for h in cohorts if quarter(h.start_on) in (2, 3))
    assert course.approval == "staff" and course.duration_ko == "2주"
    # the family culture trip is part of this course (and the retirement sign-up asks about it)
    assert "국내문화탐방" in course.description


async def test_core_values_course_has_25_one_day_cohorts_of_50(db):
    cat = await load(db)
    course = cat.by_title("핵심가치 교육과정")
    cohorts = cat.cohorts[course.id]
    assert len(cohorts) == 25 and {h.capacity for h in cohorts} == {50}
    assert not any(h.capacity_estimated for h in cohorts)
    assert per_quarter(cohorts) == {2: 8, 3: 10, 4: 7}
    assert course.hours == 7 and course.approval == "auto"


async def test_new_employee_courses_follow_the_quarter_plan(db):
    cat = await load(db)
    advanced, basic = cat.of("신임자 심화과정"), cat.of("신임자 기본과정")
    assert len(advanced) == 10 and sum(h.capacity for h in advanced) == 3500
    assert len(basic) == 9 and sum(h.capacity for h in basic) == 3700
    assert all(h.capacity_estimated for h in advanced + basic)  # 3,500명 / 10회: a division, so an estimate
    assert per_quarter(advanced + basic) == {1: 4, 2: 5, 3: 2, 4: 8}
    # the days the report gives
    assert advanced[0].start_on == date(2022, 1, 10) and advanced[-1].end_on == date(2022, 8, 12)
    assert (basic[0].start_on, basic[0].end_on, basic[0].precision) == (date(2022, 6, 20), date(2022, 6, 24), "day")
    assert cat.by_title("신임자 기본과정").delivery == "online"


async def test_grade_6_future_talent_has_two_six_month_cohorts_of_75(db):
    cat = await load(db)
    course = cat.by_title("6급 미래인재 양성과정")
    got = [(h.start_on, h.end_on, h.precision, h.capacity, h.capacity_estimated) for h in cat.cohorts[course.id]]
    assert got == [(date(2022, 1, 17), date(2022, 7, 16), "day", 75, False),
                   (date(2022, 7, 17), date(2023, 1, 16), "day", 75, False)]
    assert course.eligibility["ranks"] == ["6급"] and course.approval == "staff"


async def test_leadership_courses_add_up_to_39_cohorts_for_1963_people(db):
    cat = await load(db)
    courses = cat.matching(lambda c: c.topic == "leadership")
    assert len(courses) == 7
    cohorts = [h for c in courses for h in cat.cohorts[c.id]]
    assert len(cohorts) == 39 and sum(h.capacity for h in cohorts) == 1963
    assert per_quarter(cohorts) == {1: 5, 2: 14, 3: 10, 4: 10}
    assert all(h.capacity_estimated and h.precision == "quarter" for h in cohorts)
    assert all(c.approval == "staff" for c in courses)
    assert cat.by_title("과장 리더십 과정").eligibility["positions"] == ["과장"]
    assert cat.by_title("팀장 리더십 과정").eligibility["positions"] == ["팀장"]
    assert cat.by_title("성과 리더십 과정 (6급)").eligibility["ranks"] == ["6급"]
    assert sorted(cat.by_title("실무리더십 과정 (7급 이하)").eligibility["ranks"]) == ["7급", "8급", "9급"]
    for grade in ("4급", "5급", "6급"):
        assert cat.by_title(f"{grade} 승진자 리더십 과정").eligibility["ranks"] == [grade]


async def test_international_training_has_10_sessions_for_144_officials(db):
    cat = await load(db)
    courses = cat.matching(lambda c: c.topic == "international")
    cohorts = [h for c in courses for h in cat.cohorts[c.id]]
    assert len(cohorts) == 10 and sum(h.capacity for h in cohorts) == 144
    assert per_quarter(cohorts) == {1: 1, 2: 3, 3: 3, 4: 3}
    assert sum(h.capacity for h in cat.of("외국 공무원 국제연수 (온라인)")) == 120
    assert sum(h.capacity for h in cat.of("외국 공무원 국제연수 (초청)")) == 24
    assert all(c.approval == "staff" for c in courses)


async def test_assessment_preparation_is_for_the_grade_below(db):
    cat = await load(db)
    grade4, grade5 = cat.by_title("4급 역량평가 이해과정"), cat.by_title("5급 역량평가 이해과정")
    assert grade4.eligibility["ranks"] == ["5급"] and grade5.eligibility["ranks"] == ["6급"]
    assert sum(h.capacity for h in cat.cohorts[grade4.id]) == 100
    assert sum(h.capacity for h in cat.cohorts[grade5.id]) == 600
    assert per_quarter(cat.cohorts[grade4.id]) == {1: 2, 3: 2}
    assert per_quarter(cat.cohorts[grade5.id]) == {1: 5, 3: 5}
    assert grade4.approval == grade5.approval == "staff"


async def test_dates_without_a_day_are_flagged_with_their_precision(db):
    """A cohort only says 'day' when the report gives the day; otherwise start/end span the whole period."""
    cat = await load(db)
    seen = Counter()
    for course in cat.courses.values():
        for h in cat.cohorts[course.id]:
            seen[h.precision] += 1
            assert h.start_on <= h.end_on
            if h.precision == "quarter":
                q = quarter(h.start_on)
                assert (h.start_on.month, h.start_on.day) == (3 * q - 2, 1), (course.id, h.number)
                assert quarter(h.end_on) == q and (h.end_on.month, h.end_on.day) in {(3, 31), (6, 30), (9, 30), (12, 31)}
            elif h.precision == "month":
                assert h.start_on.day == 1 and (h.end_on + timedelta(days=1)).day == 1, (course.id, h.number)
            elif h.precision == "year":
                assert (h.start_on, h.end_on) == (date(2022, 1, 1), date(2022, 12, 31))
            else:
                assert h.precision == "day"
            if course.delivery == "elearning":
                assert h.precision == "year" and h.capacity is None
            else:
                assert h.capacity and h.capacity > 0
    assert seen["quarter"] > 100 and seen["day"] <= 10  # few days are given; quarters are the rule
    # a quarter-wide cohort never claims an exact seat count it cannot know, except where the report states it
    exact_quarter = {cat.courses[cid].title for cid, hs in cat.cohorts.items()
                     for h in hs if h.precision == "quarter" and not h.capacity_estimated}
    assert exact_quarter == {"핵심가치 교육과정", "행복한 미래설계 과정", "인생이모작 준비 과정"}


# ── the data keeps its contracts ───────────────────────────────────────────────────────────────────────────

async def test_every_course_keeps_the_shared_contract(db):
    cat = await load(db)
    assert len(cat.courses) == len(read_yaml("courses.yaml")["courses"])
    for course in cat.courses.values():
        assert course.id.isascii() and len(course.id) <= 32 and course.id == course.id.lower()
        assert course.topic in TOPICS, course.id
        assert course.delivery in {"face_to_face", "online", "blended", "elearning"}
        assert course.approval in {"auto", "staff"}
        assert set(course.eligibility) <= ELIGIBILITY_KEYS, course.id
        assert set(course.eligibility.get("ranks", [])) <= RANKS
        assert set(course.eligibility.get("positions", [])) <= {"과장", "팀장"}
        assert course.title and course.title_en and course.description and course.description_en, course.id
        assert course.keywords and course.keywords_en, course.id
        assert course.source, course.id
        assert [h.number for h in cat.cohorts[course.id]] == list(range(1, len(cat.cohorts[course.id]) + 1))
        assert cat.cohorts[course.id], f"{course.id} has no cohort to apply for"


async def test_approval_policy_by_kind_of_course(db):
    cat = await load(db)
    staff = {"leadership", "retirement", "future_talent", "assessment", "international", "new_hire"}
    for course in cat.courses.values():
        expected = "staff" if course.topic in staff else "auto"
        assert course.approval == expected, course.id


async def test_seeding_again_adds_nothing(db):
    async with db.sessionmaker() as s:
        before = ((await s.scalar(select(func.count()).select_from(Course))),
                  (await s.scalar(select(func.count()).select_from(Cohort))))
    async with session_scope(db.sessionmaker) as s:
        report = await seed_all(s, FakeClock("2022-03-01T09:00").now())
    assert report.courses == report.cohorts == 0
    async with db.sessionmaker() as s:
        after = ((await s.scalar(select(func.count()).select_from(Course))),
                 (await s.scalar(select(func.count()).select_from(Cohort))))
    assert after == before and before[0] >= 60


# ── /about: the Center and its plan ────────────────────────────────────────────────────────────────────────

def test_center_plan_rows_add_up_to_the_report_totals():
    plan = center_info()["plans"][2022]
    assert (plan["courses"], plan["rounds"], plan["learners"]) == (390, 410, 383773)
    rows = plan["categories"]
    groups = {r["group"]: r for r in rows if "area" not in r}
    assert (groups["일반교육"]["courses"], groups["일반교육"]["learners"]) == (126, 23543)
    assert (groups["e-러닝"]["courses"], groups["e-러닝"]["learners"]) == (264, 360230)
    assert (groups["국제연수"]["rounds"], groups["국제연수"]["learners"]) == (10, 144)
    for name in ("일반교육", "e-러닝"):
        subs = [r for r in rows if r["group"] == name and "area" in r]
        assert sum(r["courses"] for r in subs) == groups[name]["courses"]
        assert sum(r["learners"] for r in subs) == groups[name]["learners"]
    assert groups["일반교육"]["learners"] + groups["e-러닝"]["learners"] == plan["learners"]


@pytest.mark.parametrize("lang, expected", [
    ("ko", ["서울특별시 인재개발원", "3과 14팀 108명", "390", "383,773", "핵심가치", "외국어", "국제연수"]),
    ("en", ["Seoul Metropolitan Government", "108 staff", "390", "383,773", "foreign languages", "International"]),
])
def test_about_shows_the_center_and_its_2022_plan(lang, expected):
    from handlers.basic import about_text
    from locales import translator

    text = about_text(translator(lang), 2022)
    for fragment in expected:
        assert fragment in text, fragment
    assert len(text) < 4096
