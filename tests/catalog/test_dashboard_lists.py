"""The dashboard's paginated lists count what they show: the course list (a window count over the page's query) and
the pending queue (its total is the filter's own choice count), on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, insert, select

from catalog.queue import pending_page
from catalog.stats import course_page
from db.access import Actor
from db.models import Cohort, Enrollment
from db.session import session_scope
from tests.handlers.enrollment.factory import NOW, add_course, add_people

STAFF = Actor.operator("test")


async def _requests(db, cohort_id: int, people: list[int], status: str = "pending") -> None:
    async with session_scope(db.sessionmaker) as s:
        await s.execute(insert(Enrollment), [dict(user_id=uid, cohort_id=cohort_id, status=status, details={},
                                                  requested_at=NOW + timedelta(minutes=i)) for i, uid in enumerate(people)])


async def test_the_course_list_pages_through_matches_with_the_same_total_on_every_page(db):
    for n in range(3):
        await add_course(db, course_id=f"page-{n}", title=f"쪽나눔 시험과정 {n}", title_en=f"Paging course {n}",
                         cohorts=[(f"2022-03-0{n + 1}", "2022-03-10"), ("2022-05-02", "2022-05-06")])
    await add_people(db, [7001, 7002], profile=False)
    first_cohort = (await add_course(db, course_id="page-3", title="쪽나눔 시험과정 3", capacity=None))[0]
    await _requests(db, first_cohort, [7001])
    await _requests(db, first_cohort, [7002], status="confirmed")
    async with db.sessionmaker() as s:
        pages = [await course_page(s, year=2022, text="쪽나눔", offset=offset, limit=3) for offset in (0, 3, 6)]
        everything = await course_page(s, year=2022, limit=1000)
        courses_in_year = (await s.execute(select(func.count(func.distinct(Cohort.course_id)))
                                           .where(Cohort.year == 2022))).scalar_one()
    assert [r.course_id for r in pages[0].rows] == ["page-0", "page-1", "page-2"]  # earliest first cohort first
    assert [(p.total, p.has_next) for p in pages] == [(4, True), (4, False), (4, False)]
    (last,) = pages[1].rows
    assert (last.course_id, last.cohorts, last.capacity, last.confirmed, last.pending) == ("page-3", 1, None, 1, 1)
    assert pages[0].rows[0].cohorts == 2 and pages[0].rows[0].capacity == 100  # two cohorts of 50 seats
    assert not pages[2].rows
    assert everything.total == courses_in_year == len(everything.rows)


async def test_the_pending_queue_counts_what_each_filter_shows(db):
    a1, a2 = await add_course(db, course_id="queue-a", approval="staff",
                              cohorts=[("2022-03-07", "2022-03-11"), ("2022-04-04", "2022-04-08")])
    (b1,) = await add_course(db, course_id="queue-b", approval="staff")
    await add_people(db, range(7001, 7007))
    await _requests(db, a1, [7001, 7002, 7003])
    await _requests(db, a2, [7004, 7005])
    await _requests(db, b1, [7006])
    await _requests(db, b1, [7001], status="confirmed")  # not pending: counted nowhere
    async with session_scope(db.sessionmaker) as s:
        async def page(**kw):
            found = await pending_page(s, STAFF, now=NOW, limit=2, **kw)
            return found.total, len(found.items), found.has_next

        assert await page() == (6, 2, True)
        assert await page(offset=4) == (6, 2, False)
        assert await page(course_id="queue-a") == (5, 2, True)
        assert await page(course_id="queue-a", cohort_number=2) == (2, 2, False)
        assert await page(course_id="queue-a", cohort_number=3) == (0, 0, False)
        assert await page(course_id="nowhere") == (0, 0, False)
        found = await pending_page(s, STAFF, now=NOW, course_id="queue-a")
        assert found.cohorts == ((1, 3), (2, 2))
        assert [(c.course_id, c.pending) for c in found.courses] == [("queue-a", 5), ("queue-b", 1)]
        assert [i.enrollment.user_id for i in found.items] == [7001, 7004, 7002, 7005, 7003]  # oldest first
        assert found.items[0].full_name == "직원7001" and found.items[0].enrollment.course_id == "queue-a"
