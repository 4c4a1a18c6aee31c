"""/mydata: the person sees what is kept about them, in their language, and gets all of it as a file."""
from __future__ import annotations

import json

from catalog.profiles import save_profile
from db.session import session_scope
from tests.handlers.enrollment.factory import NOW


async def test_mydata_shows_a_summary_and_sends_everything_as_a_file(bot, db):
    await bot.say("/start")  # the bot now knows the console user (1001)
    async with session_scope(db.sessionmaker) as s:
        await save_profile(s, 1001, now=NOW, consent_at=NOW, full_name="김서울", department="교육기획과", rank="7급",
                           employee_no="E-1001")
    sent = await bot.say("/mydata")
    text = next(m.text for m in sent if m.method == "sendMessage")
    assert "저장된 내 정보" in text and "김서울, 교육기획과, 7급" in text and "교육 신청: 0건" in text
    doc = next(m for m in sent if m.method == "sendDocument")
    data = json.loads(doc.content)
    assert data["profile"]["employee_no"] == "E-1001" and data["telegram"]["id"] == 1001
    assert data["enrollments"] == [] and data["messages"]["total"] == 0


async def test_mydata_of_someone_without_a_profile_says_so(bot):
    sent = await bot.say("/mydata")
    assert "프로필: 없음" in sent[0].text
    data = json.loads(next(m for m in sent if m.method == "sendDocument").content)
    assert data["profile"] is None
