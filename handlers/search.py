"""Search by free text or /search, and the course card."""
from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import date

from telegram.ext import Application, CommandHandler

from babel.dates import get_month_names

from catalog.courses import CourseCard, course_card
from catalog.enrollment import started
from catalog.search import Filters, Refusal, SearchHit, parse_query
from catalog.search.loader import courses_with_seats
from catalog.search.situation import Situation, situation_of_profile
from catalog.topics import TOPICS
from handlers.callbacks import StaleButton, cb, route, str_arg
from handlers.flows import intents, step_for
from handlers.labels import APPROVAL, DELIVERY, category_path, label
from handlers.turn import Turn, on_turn
from locales import Translator
from notifications.messages import Button

MAX_QUERY = 200  # longer text is not a search query; say so instead of searching a novel
RESULTS = 8


def has_words(text: str) -> bool:
    """Letters in any script; numbers, emoji, symbols and control characters alone are not a query (a bare `3` is
    usually a button number typed by hand, and would otherwise match whatever has a 3 in it)."""
    return any(unicodedata.category(ch)[0] == "L" for ch in text)


def hit_buttons(hits: list[SearchHit], titles: dict[str, str]) -> list[list[Button]]:
    return [[Button(f"{i}. {titles.get(h.course_id, h.title)}"[:60], cb("crs", h.course_id))] for i, h in enumerate(hits, 1)]


async def english_titles(t: Turn, hits: list[SearchHit]) -> dict[str, str]:
    if t.tr.lang == "ko" or not hits:
        return {h.course_id: h.title for h in hits}
    from sqlalchemy import select

    from db.models import Course

    rows = await t.session.execute(select(Course.id, Course.title_en).where(Course.id.in_([h.course_id for h in hits])))
    return {cid: title for cid, title in rows.all()}


def describe_filters(filters: Filters, tr: Translator) -> str:
    """'IT · March · Online (live) · open seats' in the user's language."""
    parts = [tr(TOPICS[k]) for k in sorted(filters.categories) if k in TOPICS]
    months = get_month_names("wide", locale=tr.lang)
    parts += [months[m] for m in sorted(filters.months)]
    parts += [label(DELIVERY, code, tr) for code in sorted(filters.preferred or filters.deliveries)]
    if filters.seats_open:
        parts.append(tr("open seats"))
    return " · ".join(parts)


async def run_search(t: Turn, text: str) -> None:
    _ = t.tr
    text = text.strip()
    if len(text) > MAX_QUERY:
        t.reply(_("That message is too long to search. Please send a few keywords, e.g. 엑셀 or 퇴직 준비."))
        return
    if not has_words(text):
        t.reply(_("Please type a course name or a few keywords, e.g. 엑셀, 태국어, 리더십."))
        return
    query, filters = parse_query(text)
    if filters.seats_open:  # seats change with every enrolment; the index only knows them as of its last build
        filters = replace(filters, open_courses=frozenset(await courses_with_seats(t.session)))
    index = t.services.search
    answer = index.answer(query, limit=RESULTS, filters=filters, profile=await profile_situation(t)) if index else None
    hits = answer.hits if answer else []
    if answer and answer.refusal:
        await reply_refusal(t, answer.refusal, text)
        return
    if not hits and filters and index:
        # the words match but the conditions (month, format, seats…) rule everything out: say so, show the rest
        loose = index.search(query, limit=RESULTS) if query.strip() else []
        if loose:
            titles = await english_titles(t, loose)
            t.reply(_("No course matches “{query}” with these conditions: {filters}. Courses that match the words:",
                      query=text[:50], filters=describe_filters(filters, t.tr)), hit_buttons(loose, titles))
            return
    if not hits:
        t.reply(_("No course matches “{query}”. Try a shorter keyword (엑셀, 외국어, 리더십) or /help.", query=text[:50]))
        return
    titles = await english_titles(t, hits)
    message = _("Courses matching “{query}”: choose one to see its details.", query=text[:50])
    if filters:
        message += "\n" + _("Conditions: {filters}", filters=describe_filters(filters, t.tr))
    t.reply(message, hit_buttons(hits, titles))


async def profile_situation(t: Turn) -> Situation | None:
    """The person's rank, hiring and retirement dates as a search situation (the message's own facts win)."""
    from db.models import Profile

    p = await t.session.get(Profile, t.user.id)
    return situation_of_profile(p.rank, p.hired_on, p.retirement_on, t.now.date(), p.position) if p else None


async def reply_refusal(t: Turn, refusal: Refusal, said: str) -> None:
    """The message names something the catalog lacks: say so, and offer its closest category, not as a match."""
    _ = t.tr
    text = _("There is no course on “{thing}”.", thing=refusal.as_typed(said)[:50])
    if refusal.category not in TOPICS:
        t.reply(text + " " + _("Try a shorter keyword (엑셀, 외국어, 리더십) or /help."))
        return
    others = t.services.search.search("", limit=RESULTS, filters=Filters(categories=frozenset({refusal.category})))
    text += " " + _("What we have in {category}:", category=t.tr(TOPICS[refusal.category]))
    t.reply(text, hit_buttons(others, await english_titles(t, others)))


def render_card(card: CourseCard, tr: Translator, today: date) -> tuple[str, list[list[Button]]]:
    _ = tr
    lines = [
        f"📘 {tr.pick(card.title, card.title_en)}",
        _("Category: {path}", path=category_path(card.category, tr)),
        _("Format: {delivery} · Duration: {duration}", delivery=label(DELIVERY, card.delivery, tr),
          duration=tr.pick(card.duration_ko, card.duration_en) or _("see the cohorts")),
    ]
    audience = tr.pick(card.audience, card.audience_en)
    if audience:
        lines.append(_("For: {audience}", audience=audience))
    lines.append(label(APPROVAL, card.approval, tr))
    description = tr.pick(card.description, card.description_en)
    if description:
        lines += ["", description]
    buttons: list[Button] = []
    if card.cohorts:
        lines += ["", _("Cohorts:")]
    for c in card.cohorts:
        when = tr.period(c.start_on, c.end_on, c.precision)
        track = f" · {tr.pick(c.track, c.track_en)}" if c.track else ""
        if c.capacity is None:
            seats = _("open enrolment")
        elif c.capacity_estimated:
            seats = _("{left} of about {capacity} seats left (estimate)", left=c.seats_left, capacity=c.capacity)
        else:
            seats = _("{left} of {capacity} seats left", left=c.seats_left, capacity=c.capacity)
        deadline = c.deadline
        closed = deadline is not None and today > deadline
        if started(c.start_on, c.end_on, c.precision, today):
            seats = _("under way or over, no more requests")
        elif closed:
            seats = _("applications closed on {day}", day=tr.date(deadline))
        elif deadline is not None:
            seats += " · " + _("apply by {day}", day=tr.date(deadline))
        lines.append(_("#{number}: {when}{track} · {seats}", number=c.number, when=when, track=track, seats=seats))
        if c.status == "open" and not closed and not started(c.start_on, c.end_on, c.precision, today):
            buttons.append(Button(_("Apply #{number}", number=c.number), cb("enr", c.id)))
    keyboard = [buttons[i:i + 3] for i in range(0, len(buttons), 3)]
    return "\n".join(lines), keyboard


async def show_card(t: Turn, course_id: str, *, edit: bool = False) -> None:
    card = await course_card(t.session, course_id, cache=t.services.cards, today=t.now.date())
    if card is None:
        raise StaleButton(course_id)
    text, buttons = render_card(card, t.tr, t.now.date())
    (t.edit if edit else t.reply)(text, buttons)


@route("crs")
async def on_course_button(t: Turn, args: list[str]) -> None:
    await show_card(t, str_arg(args, 0))


@on_turn
async def on_search_command(t: Turn) -> None:
    query = " ".join(t.context.args or [])
    if not query:
        t.reply(t.tr("What are you looking for? Send a course name or keywords, e.g. 엑셀, 외국어, 리더십."))
        return
    await run_search(t, query)


@on_turn
async def on_text(t: Turn) -> None:
    """Free text: the current flow's step, else an intent (like a retirement sign-up request), else search."""
    text = t.text
    step = step_for(t.user.flow)
    if step is not None:
        await step(t, text)
        return
    for handle in intents():
        if await handle(t, text):
            return
    await run_search(t, text)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("search", on_search_command))
