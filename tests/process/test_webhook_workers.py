"""Two `hrdbot web` behind nginx on one PostgreSQL: a conversation that hops between processes, double presses,
a crowd racing for the last seats, a catalog change seen by both, and SIGTERM."""
from __future__ import annotations

import signal
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.process.conftest import need_nginx
from tests.support import crowd
from tests.support.processes import db_call, wait_for
from tests.support.updates import button, message


@pytest.fixture
def two_webs(deployment):
    need_nginx()
    webs = [deployment.start("web"), deployment.start("web")]
    deployment.start_nginx(webs)
    return webs


def replies(standin, chat: int) -> list[str]:
    return [text for c, text in standin.delivered if c == chat] + [
        str(p.get("text")) for m, p in standin.calls if m == "editMessageText" and int(p.get("chat_id", 0)) == chat]


def shown(standin, chat: int, prefix: str) -> str:
    """The last button with this action that the person was shown."""
    found = [d for d in standin.buttons.get(chat, []) if d.startswith(prefix)]
    assert found, f"no {prefix!r} button among {standin.buttons.get(chat)}"
    return found[-1]


def test_one_persons_conversation_alternates_processes_and_completes(deployment, two_webs):
    standin, url = deployment.standin, deployment.url
    cohorts = db_call(url, crowd.open_course, capacity=10, cohorts=1, now=deployment.now())
    db_call(url, crowd.add_employees, [8101], now=deployment.now())
    ports = [w.port for w in two_webs]
    person = 8101
    # Imported after both processes started: each one's search follows within a few seconds, off the update path.
    for port in ports:
        wait_for(lambda port=port: deployment.post(message(person, "클라우드"), port=port) == 200
                 and any(d.startswith(f"crs:{crowd.COURSE}") for d in standin.buttons.get(person, [])),
                 timeout=10, every=0.5, what=f"web on {port} to find the new course")
        standin.buttons[person] = []
    steps = [lambda: message(person, "클라우드"),
             lambda: button(person, shown(standin, person, f"crs:{crowd.COURSE}")),
             lambda: button(person, shown(standin, person, "enr:")),
             lambda: button(person, shown(standin, person, "enc:"))]
    for i, step in enumerate(steps):  # update by update, to the one process and then the other
        before = standin.count() + len(standin.calls)
        assert deployment.post(step(), port=ports[i % 2]) == 200
        wait_for(lambda: standin.count() + len(standin.calls) > before, timeout=10, what=f"a reply to step {i}")
    assert shown(standin, person, "enc:") == f"enc:{cohorts[0]}"
    result = db_call(url, crowd.audit, cohorts, 10)
    assert result["held"] == {cohorts[0]: 1} and result["rows"] == 1
    handled = [len(w.events(event="update")) for w in two_webs]
    assert all(n >= 2 for n in handled), handled


def test_a_double_press_on_two_processes_gives_one_result(deployment, two_webs):
    standin, url = deployment.standin, deployment.url
    cohorts = db_call(url, crowd.open_course, capacity=10, cohorts=2, now=deployment.now())
    people = list(range(8201, 8211))
    db_call(url, crowd.add_employees, people, now=deployment.now())
    ports = [w.port for w in two_webs]
    presses = []
    for uid in people:  # each presses "confirm" twice, once on each process, at the same moment
        presses += [(button(uid, f"enc:{cohorts[0]}"), ports[0]), (button(uid, f"enc:{cohorts[0]}"), ports[1]),
                    (button(uid, f"enc:{cohorts[1]}"), ports[0])]  # …and a second cohort of the same course
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda p: deployment.post(p[0], port=p[1]), presses))
    assert statuses == [200] * len(presses)
    result = db_call(url, crowd.audit, cohorts, 10)
    assert result["in_two_cohorts"] == 0, result  # one cohort per course, whoever won the race
    assert sum(result["held"].values()) == len(people)
    assert result["rows"] == len(people)


def test_thirty_people_racing_for_the_last_seats_through_nginx_never_overbook(deployment, two_webs):
    url = deployment.url
    cohorts = db_call(url, crowd.open_course, capacity=7, cohorts=1, now=deployment.now())
    people = list(range(8301, 8331))
    db_call(url, crowd.add_employees, people, now=deployment.now())
    with ThreadPoolExecutor(30) as pool:
        statuses = list(pool.map(lambda uid: deployment.post(button(uid, f"enc:{cohorts[0]}")), people))
    assert statuses == [200] * 30
    result = db_call(url, crowd.audit, cohorts, 7)
    assert result["overbooked"] == 0 and result["held"] == {cohorts[0]: 7}, result
    assert result["statuses"].get("waitlisted", 0) == 23 or result["rows"] == 7, result
    assert all(w.events(event="update") for w in two_webs), "nginx should have used both processes"


def test_sigterm_finishes_the_update_in_flight_and_exits_0(deployment, two_webs):
    web = two_webs[0]
    deployment.standin.timeout_next(1, delay=1.5, delivered=True)  # the reply to this update takes 1.5 s
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(deployment.post, message(8401, "/start"), port=web.port)
        wait_for(lambda: deployment.standin.count() >= 1, timeout=10, what="the reply to be on its way")
        web.signal(signal.SIGTERM)
        assert pending.result(timeout=30) == 200
    assert web.wait(30) == 0
    assert web.events(event="update", outcome="ok")
    # nginx sends the next updates to the other process
    assert deployment.post(message(8402, "/start")) == 200


def test_staff_use_the_dashboard_through_nginx_whichever_process_answers(deployment, two_webs):
    """deploy/'s nginx passes /dashboard/ to the web processes: sign in by link, keep working when one process
    stops (sessions are rows), and a plan file of over a megabyte reaches the dashboard (not nginx's 413)."""
    import httpx

    from tests.web.support import csrf_of

    async def staff_link(sessionmaker):
        from db import signin
        from db.models import User
        from db.session import session_scope

        async with session_scope(sessionmaker) as s:
            s.add(User(id=9901, chat_id=9901, first_name="", language="ko", role="staff", created_at=deployment.now()))
            await s.flush()
            return await signin.issue_link(s, user_id=9901, now=deployment.now())

    token = db_call(deployment.url, staff_link)
    with httpx.Client(base_url=f"http://127.0.0.1:{deployment.nginx_port}", timeout=30) as client:
        assert client.get("/dashboard").headers["location"].endswith("/dashboard/")
        assert client.get(f"/dashboard/signin?token={token}").status_code == 200  # the sign-in button
        assert client.post("/dashboard/signin", data={"token": token}).status_code == 303
        assert "승인 대기" in client.get("/dashboard/pending").text
        two_webs[0].signal(signal.SIGTERM)
        assert two_webs[0].wait(30) == 0
        plan = client.get("/dashboard/plan")
        assert plan.status_code == 200, "still signed in on the other process"
        big = ("course_id,no,start,end\n" + "x" * 1_500_000).encode()
        answer = client.post("/dashboard/plan", data={"csrf": csrf_of(plan.text)},
                             files={"file": ("cohorts.csv", big, "text/csv")})
        assert answer.status_code in (200, 422) and "교육계획" in answer.text  # the dashboard's own page
