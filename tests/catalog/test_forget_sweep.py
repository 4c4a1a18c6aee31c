"""/forget reaches every table: a person fills every personal field, gets reminders, notices and a broadcast, then
forgets; no text or JSON column of any table in the database (found by reflecting the live schema, not a hand
list) still holds any of their values. Their request stays (anonymised) so seats stay right, and the audit log
records the deletion without the values."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import JSON, MetaData, String, select

from catalog import enrollment as svc
from catalog.profiles import forget, save_profile
from db.access import Actor
from db.clock import SEOUL
from db.models import Enrollment, ExamEvent, OutboxMessage, User
from db.session import session_scope
from notifications.broadcasts.service import create_broadcast, fan_out, schedule_broadcast
from notifications.exams.imports import import_slots
from notifications.exams.planner import send_due
from notifications.exams.subscriptions import subscribe
from notifications.news import subscribe as follow_topic
from tests.handlers.enrollment.factory import NOW, add_course

ME = 7301
SECRETS = {
    "name": "홍길동가나", "department": "비밀정보부서다", "employee_no": "EMP-99117", "telegram_name": "길동텔레",
    "username": "hong_gildong_x", "applicant_no": "APP-55123", "place": "서소문별관 7층 면접실Q",
    "retirement_on": "2031-06-30", "reason_word": "개인사정코드Z", "half_typed": "반쯤쓴이름다",
}


async def _fill_everything(db) -> int:
    (cohort_id,) = await add_course(db, capacity=1, approval="staff")
    async with session_scope(db.sessionmaker) as s:
        s.add(User(id=ME, chat_id=ME, first_name=SECRETS["telegram_name"], username=SECRETS["username"],
                   language="ko", created_at=NOW))
        s.add(User(id=7302, chat_id=7302, first_name="다른사람", language="ko", created_at=NOW))
        await s.flush()
        await save_profile(s, ME, now=NOW, consent_at=NOW, full_name=SECRETS["name"],
                           department=SECRETS["department"], rank="6급", employee_no=SECRETS["employee_no"],
                           hired_on=date(1995, 3, 2), retirement_on=date.fromisoformat(SECRETS["retirement_on"]))
        request = await svc.request_seat(s, user_id=ME, cohort_id=cohort_id, now=NOW,
                                         details={"program": "retirement", "retirement_on": SECRETS["retirement_on"],
                                                  "family_programme": True})
        staff = Actor.operator("test")
        await svc.reject(s, enrollment_id=request.enrollment_id, actor=staff, now=NOW,
                         reason=f"{SECRETS['name']} 님은 {SECRETS['reason_word']} 때문에 다음 기회에")
        await follow_topic(s, ME, "it", NOW)
        round_id, day = (await s.execute(select(ExamEvent.round_id, ExamEvent.start_on)
                                         .where(ExamEvent.kind == "interview", ExamEvent.precision == "day")
                                         .order_by(ExamEvent.start_on).limit(1))).one()
        await subscribe(s, ME, round_id, NOW, applicant_no=SECRETS["applicant_no"])
        slots = await import_slots(s, [(2, {"round_id": round_id, "telegram_id": str(ME), "date": day.isoformat(),
                                            "time": "10:00", "place": SECRETS["place"]})], NOW, actor=staff)
        assert slots.applied, slots.errors
        b = await create_broadcast(s, actor=staff, text="전체 안내", audience={"kind": "everyone"}, now=NOW)
        await schedule_broadcast(s, b.id, None, NOW, actor=staff)
        user = await s.get(User, ME)
        user.flow, user.flow_step = "profile", "department"
        user.flow_data, user.flow_updated_at = {"full_name": SECRETS["half_typed"]}, NOW
    await fan_out(db.sessionmaker, b.id, NOW)
    # the reminders fall due (the evening before, the morning of the interview): notices with time and place
    interview = datetime.combine(day, datetime.min.time(), tzinfo=SEOUL) + timedelta(hours=9)
    assert (await send_due(db.sessionmaker, interview)).sent >= 1
    async with session_scope(db.sessionmaker) as s:  # one of them was delivered already
        first = (await s.execute(select(OutboxMessage).where(OutboxMessage.user_id == ME)
                                 .order_by(OutboxMessage.id).limit(1))).scalar_one()
        first.status, first.sent_at = "sent", NOW
    return request.enrollment_id


async def _text_values(db) -> list[tuple[str, str, str]]:
    """(table, column, value) for every text and JSON value in the live database."""
    meta = MetaData()
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: meta.reflect(sync))
        out = []
        for table in meta.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (String, JSON))]
            if not columns:
                continue
            for row in (await conn.execute(select(*columns))).all():
                for column, value in zip(columns, row):
                    if value is not None:
                        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                        out.append((table.name, column.name, text))
    return out


def _found(values, secrets) -> list[tuple[str, str, str]]:
    return [(table, column, key) for table, column, text in values for key, secret in secrets.items()
            if secret in text]


async def test_forget_leaves_no_personal_value_in_any_text_or_json_column(db):
    enrollment_id = await _fill_everything(db)
    before = _found(await _text_values(db), SECRETS)
    # the sweep can see the data where it lives, so its silence afterwards means something
    assert {(t, c) for t, c, _k in before} >= {
        ("profiles", "full_name"), ("profiles", "employee_no"), ("users", "first_name"), ("users", "username"),
        ("users", "flow_data"), ("enrollments", "reason"), ("enrollments", "details"), ("outbox", "params"),
        ("interview_slots", "place"), ("exam_subscriptions", "applicant_no")}

    async with session_scope(db.sessionmaker) as s:
        report = await forget(s, ME, NOW + timedelta(days=1))
    assert report.profile_deleted and report.messages_cleared >= 3

    assert _found(await _text_values(db), SECRETS) == []
    async with db.sessionmaker() as s:
        kept = await s.get(Enrollment, enrollment_id)
        assert (kept.user_id, kept.status) == (ME, "rejected")  # linked by the numeric id only
        pending = (await s.execute(select(OutboxMessage.status).where(
            OutboxMessage.user_id == ME, OutboxMessage.status == "pending"))).scalars().all()
        assert pending == []  # nothing still queued for them goes out with the old contents
        other = await s.get(User, 7302)
        assert other.first_name == "다른사람"  # nobody else is touched
    values = await _text_values(db)
    audit = [json.loads(v) for t, c, v in values if (t, c) == ("audit_log", "detail")]
    assert any(d.get("profile") is True for d in audit)
    assert ("audit_log", "action", "privacy.forget") in values
