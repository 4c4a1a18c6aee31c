"""Property tests at the bot's entry points, through the real Application (strict in-process Bot API).

For every input: no unhandled exception (no ERROR logged, so the error handler never saw a bug), every message
≤ 4,096 characters and non-empty, every callback_data 1–64 bytes, valid HTML where HTML is used; a non-staff
user never changes anybody else's data, and a refused button changes nothing at all.
"""
from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from handlers.callbacks import _ROUTES
from handlers.privacy import CONTROL
from locales import translator
from tests.fuzz.support import ME, OTHER, STAFF, examples, foreign_changes, record

ko = translator("ko")
REFUSALS = {ko("This button is no longer valid. Please search again or send /start."),
            ko("This action is for HRD Center staff only.")}

# Any Unicode text a Telegram client can send: every plane except lone surrogates (not valid UTF-8), control
# characters included; empty; and novels (5,000+ characters).
any_char = st.characters(exclude_categories=("Cs",))
texts = st.one_of(
    st.text(any_char, max_size=80),
    st.text(st.characters(categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Mn")), max_size=30),
    st.just(""),
    st.builds(lambda s, n: (s or "가") * n, st.text(any_char, min_size=1, max_size=5), st.integers(1000, 1300)),
    st.text(any_char, min_size=5000, max_size=6000),
    st.sampled_from(["엑셀", "퇴직 준비 교육 신청하고 싶어요", "ㅂㄹㅋㄷ", "xornrdj", "french", "/start", "/my 1",
                     "<b>bold</b> & <i>", "' OR 1=1 --", "%s %d {0} {name}", "\u200b", "\x00", "🙂" * 2100]),
)


def assert_clean(fb, what) -> None:
    problems = fb.problems()
    assert not problems, f"after {what!r}: {problems}"


def check_text(fb, text: str, as_english: bool) -> None:
    fb.act_as(ME, "en" if as_english else "ko")
    sent = fb.say(text)
    assert_clean(fb, text)
    if text.strip() and not text.startswith("/"):
        assert sent, f"no answer to {text!r}"
    record(f"text ({fb.dialect})", 1)


@given(text=texts, as_english=st.booleans())
@examples(250)
def test_any_text_gets_a_clean_answer(fuzzbot, text, as_english):
    check_text(fuzzbot, text, as_english)


KNOWN_COMMANDS = {"start", "help", "about", "lang", "language", "cancel", "search", "my", "pending", "queue",
                  "profile", "forget", "retire", "exams", "myexams", "ics", "subscribe", "broadcast", "broadcasts"}


def _known(app) -> set[str]:
    from telegram.ext import CommandHandler

    out = set(KNOWN_COMMANDS)
    for handlers in app.handlers.values():
        for h in handlers:
            if isinstance(h, CommandHandler):
                out |= set(h.commands)
    return out


commands = dict(name=st.text(string.ascii_letters + string.digits + "_", min_size=1, max_size=40),
                rest=st.one_of(st.just(""), st.text(st.characters(exclude_categories=("Cs",)), max_size=40)),
                suffix=st.sampled_from(["", "@hrd_seoul_bot", "@OtherBot"]))


def check_command(fb, name: str, rest: str, suffix: str) -> None:
    fb.act_as(ME)
    known = _known(fb.console.runtime.app)
    text = f"/{name}{suffix} {rest}".rstrip()
    sent = fb.say(text)
    assert_clean(fb, text)
    if name.lower() not in known and suffix != "@OtherBot":
        # control characters are refused at the edge, before the command is looked at (handlers/privacy.py)
        expected = (ko("Your message contains control characters I cannot read. Please type it again.")
                    if CONTROL.search(text) else ko("I don't know that command. /help lists what I can do."))
        assert any(s.text == expected for s in sent), [s.text for s in sent]
    record(f"command ({fb.dialect})", 1)


@given(**commands)
@examples(120)
def test_unknown_commands_are_answered_politely(fuzzbot, name, rest, suffix):
    check_command(fuzzbot, name, rest, suffix)


def forged_data(fixtures: dict) -> st.SearchStrategy[str]:
    actions = sorted(_ROUTES)
    ids = st.one_of(
        st.sampled_from(fixtures.get("enrollment_ids") or [1]),
        st.sampled_from(fixtures.get("cohort_ids") or [1]),
        st.sampled_from(fixtures.get("course_ids") or ["x"]),
        st.sampled_from([str(OTHER), str(STAFF), "0", "-1", "99999999999999999999", "1e3", "", " ", "NaN", "null",
                         "ko", "en", "go", "no", "all", "🙂"]),
        st.integers(-10, 10_000),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
    )
    structured = st.builds(lambda a, args: ":".join([a, *map(str, args)]), st.sampled_from(actions),
                           st.lists(ids, max_size=4))
    return st.one_of(structured, typed_data(fixtures), typed_data(fixtures),
                     st.text(st.characters(exclude_categories=("Cs",)), max_size=90))


def typed_data(fixtures: dict) -> st.SearchStrategy[str]:
    """Data of the declared button types with well-typed fields (so presses get past decoding, into the handlers and
    their step guards): other people's ids, ids that do not exist, every choice, flags."""
    from handlers.callbacks import Choice, Flag, Int, actions

    known = [str(x) for key in ("enrollment_ids", "cohort_ids", "course_ids") for x in fixtures.get(key) or []]

    def field(f) -> st.SearchStrategy[str]:
        if isinstance(f, Choice):
            return st.sampled_from(f.values)
        if isinstance(f, Flag):
            return st.sampled_from(["0", "1"])
        if isinstance(f, Int):
            near = st.integers(max(f.low, -5), min(f.high, 100_000)).map(str)
            return st.one_of(near, st.sampled_from([x for x in known if x.isdigit()] or ["1"]))
        return st.one_of(st.sampled_from(known + ["open-2022-2", "it", "no-such-id", "x" * 32]),
                         st.from_regex(r"[a-z0-9\-]{1,12}", fullmatch=True))

    return st.sampled_from(sorted(actions().values(), key=lambda a: a.prefix)).flatmap(
        lambda a: st.tuples(*[field(f) for f in a.fields]).map(lambda raw: ":".join([a.prefix, *raw])[:64]))


def check_forged(fb, data) -> None:
    """Non-staff users press buttons with forged data (valid-looking actions, other people's ids, staff actions)."""
    actor = data.draw(st.sampled_from([ME, OTHER]), label="actor")
    payload = data.draw(forged_data(fb.fixtures), label="callback_data")
    fb.act_as(actor)
    before = fb.snapshot()
    sent = fb.press(payload)
    after = fb.snapshot()
    assert_clean(fb, payload)
    foreign = foreign_changes(before, after, actor)
    assert not foreign, f"{payload!r} by non-staff {actor} changed: {foreign[:5]}"
    popups = {s.text for s in sent if s.method == "answerCallbackQuery"}
    if popups & REFUSALS:
        assert before == after, f"refused {payload!r} still changed data"
    record(f"forged-callback ({fb.dialect})", 1)


@given(data=st.data())
@examples(350)
def test_forged_buttons_never_touch_other_peoples_data(fuzzbot, data):
    check_forged(fuzzbot, data)


def check_staff_forged(fb, data) -> None:
    payload = data.draw(forged_data(fb.fixtures), label="callback_data")
    fb.act_as(STAFF)
    before = fb.snapshot()
    sent = fb.press(payload)
    assert_clean(fb, payload)
    if {s.text for s in sent if s.method == "answerCallbackQuery"} & REFUSALS:
        assert before == fb.snapshot(), f"refused {payload!r} still changed data"
    record(f"staff-forged-callback ({fb.dialect})", 1)


@given(data=st.data())
@examples(150)
def test_staff_with_forged_buttons_gets_answers_not_errors(fuzzbot, data):
    check_staff_forged(fuzzbot, data)


WORDS = ["엑셀", "리더십", "퇴직", "인생이모작", "태국어", "면접", "역량평가", "홍길동", "행정국", "7급", "6급", "과장",
         "2015-03-02", "2031-12-31", "E1234", "네", "yes", "아니요", "1", "0", "/start", "/my", "/profile", "/cancel",
         "/exams", "/myexams", "/subscribe", "/retire", "/pending", "/broadcast", "/broadcasts", "/lang", "/forget",
         "/help", "/about", "/ics", "/search 엑셀"]
steps = st.lists(st.one_of(
    st.tuples(st.just("press"), st.integers(0, 30)),
    st.tuples(st.just("press"), st.integers(0, 30)),
    st.tuples(st.just("press"), st.integers(0, 30)),
    st.tuples(st.just("say"), st.sampled_from(WORDS)),
    st.tuples(st.just("say"), st.text(st.characters(exclude_categories=("Cs",)), max_size=30)),
), min_size=1, max_size=14)


def check_walk(fb, actor: int, script) -> None:
    """Start anywhere, then press random buttons from the last replies and type in between."""
    fb.act_as(actor)
    fb.console.buttons = []
    trail = []
    for kind, value in script:
        if kind == "press" and fb.console.buttons:
            chat_id, message_id, payload = fb.console.buttons[value % len(fb.console.buttons)]
            trail.append(f"[{payload}]")
            before = fb.snapshot() if actor != STAFF else None
            fb.press(payload, message_id)
            if before is not None:
                foreign = foreign_changes(before, fb.snapshot(), actor)
                assert not foreign, f"walk {trail} by non-staff {actor} changed: {foreign[:5]}"
        else:
            text = value if kind == "say" else "엑셀"
            trail.append(text)
            fb.say(text)
        assert_clean(fb, trail)
    record(f"button-walk ({fb.dialect})", 1, steps=len(script))


@given(actor=st.sampled_from([ME, OTHER, STAFF]), script=steps)
@examples(70)
def test_random_button_walks(fuzzbot, actor, script):
    check_walk(fuzzbot, actor, script)


# Free text inside each conversation that reads typed answers, reached the way a user reaches it (commands and the
# buttons of the last reply, found by callback-data prefix), then anything typed: names, departments, dates
# (2032년 6월, 2032.6.30…), interview slots (8/24 14:00 place), broadcast texts, course lookups and schedule times.
NEWBIE = 3001  # no profile yet
FLOW_ENTRIES = {
    "profile": (NEWBIE, ["/profile", "prf:yes"]),
    "retirement date": (ME, ["/retire", "ret.p:"]),
    "interview slot": (ME, ["/exams", "exr:open-2022-2", "exi:"]),
    "broadcast text": (STAFF, ["/broadcast"]),
    "broadcast course lookup": (STAFF, ["/broadcast", "공지", "bc.att:0", "bc.aud:course"]),
    "broadcast schedule": (STAFF, ["/broadcast", "공지", "bc.att:0", "bc.aud:all", "bc.later"]),
}
flow_texts = st.one_of(
    texts,
    st.sampled_from(["2032년 6월", "2032.6.30", "32.6.30", "2032-02-30", "1999.1.1", "2099.12.31", "8/24 14:00 별관",
                     "8/24 25:00", "13/45 14:00", "내일 9시", "3/2 14:00", "2시간 후", "0시간 후", "99999시간 후",
                     "2022-03-02 09:00", "홍길동", "인재개발원 교육기획과", "6급", "9급", "과장", "E-1234", "x" * 65]),
)


def enter(fb, steps: list[str]) -> None:
    fb.say("/cancel")
    for step in steps:
        if step.startswith("/") or (":" not in step and "." not in step):
            fb.say(step)
            continue
        match = [(m, d) for _c, m, d in fb.console.buttons if d == step or d.startswith(step)]
        fb.press(match[0][1] if match else step, match[0][0] if match else None)


def check_flow(fb, flow: str, answers: list[str]) -> None:
    actor, steps = FLOW_ENTRIES[flow]
    fb.act_as(actor)
    enter(fb, steps)
    assert_clean(fb, steps)
    for text in answers:
        fb.say(text)
        assert_clean(fb, (flow, text))
    fb.run(_forget_profile(fb, NEWBIE))
    record(f"flow-answers ({fb.dialect})", 1, answers=len(answers))


flows = dict(flow=st.sampled_from(sorted(FLOW_ENTRIES)), answers=st.lists(flow_texts, min_size=1, max_size=4))


@given(**flows)
@examples(150)
def test_conversations_take_any_typed_answer(fuzzbot, flow, answers):
    check_flow(fuzzbot, flow, answers)


async def _forget_profile(fb, user_id: int) -> None:
    """Back to "no profile" so that the next example meets the consent screen again."""
    from sqlalchemy import delete

    from db.models import Profile
    from db.session import session_scope

    async with session_scope(fb.sessionmaker) as session:
        await session.execute(delete(Profile).where(Profile.user_id == user_id))
