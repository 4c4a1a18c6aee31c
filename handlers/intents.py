"""Answers to what a message asks for before it is searched (catalog/intents.py decides which): greetings and
thanks, the Center's contact card, exam questions, "추천" and "인기" — and the main menu that offers the same."""
from __future__ import annotations

from catalog import suggest
from catalog.intents import Intent, detect
from catalog.topics import TOPICS
from handlers.callbacks import Action, Choice, on
from handlers.flows import escape, intent
from handlers.turn import Turn
from locales import Translator
from notifications.messages import Button

MENU_ITEMS = ("recommend", "popular", "my", "exams", "retire", "contact", "help")
MENU = Action("menu", Choice("item", MENU_ITEMS))
EXAM_KINDS = {"open": "open", "career": "career", "asmt": "assessment"}


def main_menu(tr: Translator) -> list[list[Button]]:
    return [
        [Button(tr("⭐ Recommended"), MENU("recommend")), Button(tr("🔥 Popular"), MENU("popular"))],
        [Button(tr("📋 My requests"), MENU("my")), Button(tr("📝 Exam calendar"), MENU("exams"))],
        [Button(tr("🌱 Retirement preparation"), MENU("retire")), Button(tr("☎ Contact"), MENU("contact"))],
    ]


# -- the contact card ------------------------------------------------------------------------------------------
def contact_text(t: Turn, topic: str | None = None) -> str:
    """The Center's contact details from the deployment's settings; when none are configured, says so plainly."""
    c = t.services.contact
    _ = t.tr
    if not c:
        return _("No contact details are configured for this bot, so I cannot give you a phone number or address. "
                 "/about describes the HRD Center.")
    lines = [_("☎ How to reach the HRD Center:")]
    if topic and c.for_topic(topic):
        lines.append(_("• For {topic}: {contact}", topic=t.tr(TOPICS.get(topic, topic)), contact=c.for_topic(topic)))
    if c.phone:
        lines.append(_("• Phone: {phone}", phone=c.phone))
    if c.email:
        lines.append(_("• Email: {email}", email=c.email))
    if c.address:
        lines.append(_("• Address: {address}", address=c.address))
    if c.website:
        lines.append(_("• Website: {website}", website=c.website))
    if not topic:
        for key, value in c.topics:
            lines.append(_("• For {topic}: {contact}", topic=t.tr(TOPICS.get(key, key)), contact=value))
    return "\n".join(lines)


def contact_line(t: Turn) -> str:
    """One line for messages that say "please contact the Center": the phone (or the contact card's fallback)."""
    c = t.services.contact
    if c.phone:
        return t.tr("HRD Center: {phone}", phone=c.phone)
    return t.tr("Send 연락처 for the Center's contact details.") if c else ""


# -- suggestions -------------------------------------------------------------------------------------------------
async def show_suggestions(t: Turn, kind: str) -> None:
    from handlers.search import suggestion_reply

    _ = t.tr
    today = t.now.date()
    if kind == "popular":
        found = await suggest.popular(t.session, today)
        if found:
            suggestion_reply(t, _("🔥 The most requested courses:"), found, counts=True)
            return
        t.reply(_("Nobody has asked for a course yet, so nothing is popular yet."))
    found = await suggest.recommend(t.session, t.user.id, today)
    if not found:
        t.reply(_("No course takes requests at the moment. Type a course name to see its next cohorts."))
        return
    suggestion_reply(t, _("⭐ Courses you can ask for now, soonest first:"), found)


async def show_exams(t: Turn, found: Intent) -> None:
    """The matching round (or rounds) with the asked event, else the whole calendar."""
    from handlers import exams
    from notifications.exams import calendar as cal

    today = t.now.date()
    rounds = cal.upcoming_first(await cal.current_rounds(t.session, today), today)
    kind = EXAM_KINDS.get(found.exam_kind or "")
    if kind:
        rounds = [r for r in rounds if r.kind == kind]
    if found.event:
        rounds = [r for r in rounds if r.event(found.event) is not None]
    if not rounds or not (kind or found.event):
        await exams.show_list(t)
        return
    await exams.show_matches(t, rounds, found.event)


async def answer(t: Turn, found: Intent) -> None:
    _ = t.tr
    if found.kind == "greeting":
        t.reply(_("Hello! Type what you are looking for (엑셀, 외국어, 리더십), or choose below."), main_menu(t.tr))
    elif found.kind == "thanks":
        t.reply(_("You are welcome! Write any time you need a course."))
    elif found.kind == "contact":
        t.reply(contact_text(t))
    elif found.kind == "exam":
        await show_exams(t, found)
    else:
        await show_suggestions(t, found.kind)


@escape(10)
@intent(10)
async def intent_answer(t: Turn, text: str) -> bool:
    found = detect(text)
    if found is None:
        return False
    await answer(t, found)
    return True


@on(MENU)
async def on_menu(t: Turn, item: str) -> None:
    if item in ("recommend", "popular"):
        await show_suggestions(t, item)
    elif item == "contact":
        t.reply(contact_text(t))
    elif item == "my":
        from handlers.enrollment.my import show_my

        await show_my(t)
    elif item == "exams":
        from handlers.exams import show_list

        await show_list(t)
    elif item == "retire":
        from handlers.enrollment.retirement import start

        await start(t)
    else:
        from handlers.basic import help_text

        t.reply(help_text(t.tr, t.is_staff))
