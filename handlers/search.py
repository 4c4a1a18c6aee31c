"""Search by free text or /search, and the course card."""
from __future__ import annotations

import base64
import unicodedata
from dataclasses import replace
from datetime import date

from telegram.ext import Application, CommandHandler

from babel.dates import get_month_names

from catalog.courses import CourseCard, course_card
from catalog.enrollment import started
from catalog.intents import date_window
from catalog.search import Filters, Refusal, SearchHit, parse_query
from catalog.search.filters import CATEGORIES
from catalog.search.loader import courses_with_seats
from catalog.search.situation import Situation, situation_of_profile
from catalog.suggest import NextCohort, Suggestion, cohorts_between, next_cohorts
from catalog.topics import TOPICS
from handlers.callbacks import Action, Int, StaleButton, Str, on
from handlers.enrollment.actions import ENROLL
from handlers.flows import escape, intents, on_flow_text
from handlers.labels import APPROVAL, DELIVERY, category_path, label
from locales.labels import cohort_no, shown_year
from handlers.turn import Turn, button_label, on_turn
from locales import N_, Translator
from notifications.messages import Button

MAX_QUERY = 200  # longer text is not a search query; say so instead of searching a novel
PAGE = 8  # results per message; "더 보기" shows the next page
ALL = 500  # every match is reachable: the engine is asked for all of them, pages are cut here
STRONG = 90.0  # a search score this high is clearly a course name, even in the middle of a conversation
STATES = {"open": N_("open"), "closing": N_("closing soon"), "waitlist": N_("waitlist open"), "closed": N_("closed")}

COURSE = Action("crs", Str("course"))
MORE = Action("more", Int("offset", 0, ALL), Str("query", 48, optional=True))
WINDOW = Action("win", Int("start", 1, 10 ** 6), Int("end", 1, 10 ** 6), Int("offset", 0, ALL),
                Str("query", 32, optional=True))


def has_words(text: str) -> bool:
    """Letters in any script; numbers, emoji, symbols and control characters alone are not a query (a bare `3` is
    usually a button number typed by hand, and would otherwise match whatever has a 3 in it)."""
    return any(unicodedata.category(ch)[0] == "L" for ch in text)


def pack(query: str, limit: int) -> str | None:
    """The query inside the button (base64url), so that any process can show the next page; None if too long."""
    raw = base64.urlsafe_b64encode(query.encode()).decode().rstrip("=")
    return raw if len(raw) <= limit else None


def unpack(raw: str | None) -> str:
    if not raw:
        return ""
    try:
        return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise StaleButton(raw) from None


def cohort_state_text(n: NextCohort | None, tr: Translator) -> str:
    """'<Babel date> · 모집 중': the next cohort's date and state, or that nothing is scheduled."""
    if n is None:
        return tr("no cohort scheduled")
    when = tr.date(n.start_on) if n.precision == "day" else short_period(n, tr)
    return f"{when} · {tr(STATES[n.state])}"


def short_period(n, tr: Translator) -> str:
    """A quarter- or month-dated cohort as '2분기 (일정 미정)'."""
    if n.precision == "quarter":
        return tr("Q{quarter} (dates to be announced)", quarter=(n.start_on.month - 1) // 3 + 1)
    if n.precision == "month":
        return tr("{month} (dates to be announced)", month=get_month_names("wide", locale=tr.lang)[n.start_on.month])
    return tr.period(n.start_on, n.end_on, n.precision)


async def titles_of(t: Turn, course_ids: list[str]) -> dict[str, str]:
    from sqlalchemy import select

    from db.models import Course

    if not course_ids:
        return {}
    rows = await t.session.execute(select(Course.id, Course.title, Course.title_en).where(Course.id.in_(course_ids)))
    return {cid: t.tr.pick(title, title_en) for cid, title, title_en in rows.all()}


def describe_filters(filters: Filters, tr: Translator) -> str:
    """'IT · March · Online (live) · open seats' in the user's language."""
    parts = [tr(TOPICS[k]) for k in sorted(filters.categories) if k in TOPICS]
    months = get_month_names("wide", locale=tr.lang)
    parts += [months[m] for m in sorted(filters.months)]
    parts += [label(DELIVERY, code, tr) for code in sorted(filters.preferred or filters.deliveries)]
    if filters.seats_open:
        parts.append(tr("open seats"))
    return " · ".join(parts)


async def result_page(t: Turn, hits: list[SearchHit], offset: int, more: str | None
                      ) -> tuple[list[str], list[list[Button]]]:
    """Numbered lines (title — next cohort · state) and buttons for one page; "더 보기" when more remain."""
    page = hits[offset:offset + PAGE]
    ids = [h.course_id for h in page]
    titles = await titles_of(t, ids)
    nexts = await next_cohorts(t.session, ids, t.now.date())
    lines, buttons = [], []
    for i, h in enumerate(page, offset + 1):
        title = titles.get(h.course_id, h.title)
        lines.append(f"{i}. {title} — {cohort_state_text(nexts.get(h.course_id), t.tr)}")
        buttons.append([Button(button_label(f"{i}. {title}"), COURSE(h.course_id))])
    if more is not None and offset + PAGE < len(hits):
        buttons.append([Button(t.tr("➡ More ({first}–{last} of {total})", first=offset + PAGE + 1,
                                    last=min(offset + 2 * PAGE, len(hits)), total=len(hits)), more)])
    return lines, buttons


def suggestion_reply(t: Turn, header: str, found: list[Suggestion], *, counts: bool = False) -> None:
    lines, buttons = [header, ""], []
    for i, s in enumerate(found, 1):
        title = t.tr.pick(s.title, s.title_en)
        line = f"{i}. {title} — {cohort_state_text(s.next, t.tr)}"
        if counts:
            line += " · " + t.tr.ngettext("{n} request", "{n} requests", s.requests)
        lines.append(line)
        buttons.append([Button(button_label(f"{i}. {title}"), COURSE(s.course_id))])
    t.reply("\n".join(lines), buttons)


def all_hits(t: Turn, query: str, filters: Filters | None = None) -> list[SearchHit]:
    index = t.services.search
    return index.answer(query, limit=ALL, filters=filters).hits if index else []


def finds_something(t: Turn, text: str) -> bool:
    """Whether searching `text` would show courses (a date question always does: it lists a period)."""
    text = text.strip()
    if not has_words(text) or len(text) > MAX_QUERY:
        return False
    return date_window(text, t.now.date()) is not None or bool(all_hits(t, *parse_query(text)))


async def run_search(t: Turn, text: str, *, offset: int = 0) -> None:
    _ = t.tr
    text = text.strip()
    if len(text) > MAX_QUERY:
        t.reply(_("That message is too long to search. Please send a few keywords, e.g. 엑셀 or 퇴직 준비."))
        return
    if not has_words(text):
        t.reply(_("Please type a course name or a few keywords, e.g. 엑셀, 태국어, 리더십."))
        return
    window = date_window(text, t.now.date())
    if window is not None:
        await show_window(t, window.start, window.end, window.rest, 0)
        return
    query, filters = parse_query(text)
    if filters.seats_open:  # seats change with every enrolment; the index only knows them as of its last build
        filters = replace(filters, open_courses=frozenset(await courses_with_seats(t.session)))
    index = t.services.search
    answer = index.answer(query, limit=ALL, filters=filters, profile=await profile_situation(t)) if index else None
    hits = answer.hits if answer else []
    if answer and answer.refusal:
        await reply_refusal(t, answer.refusal, text)
        return
    if not hits and filters and index:
        # the words match but the conditions (month, format, seats…) rule everything out: say so, show the rest
        loose = all_hits(t, query) if query.strip() else []
        if loose:
            lines, buttons = await result_page(t, loose, 0, None)
            t.reply("\n".join([_("No course matches “{query}” with these conditions: {filters}. Courses that match "
                                 "the words:", query=text[:50], filters=describe_filters(filters, t.tr)), *lines]),
                    buttons)
            return
    if not hits:
        t.reply(_("No course matches “{query}”. Try a shorter keyword (엑셀, 외국어, 리더십) or /help.", query=text[:50]))
        return
    if filters.months and not filters.categories and filters.months and not query.strip():
        hits = await by_next_date(t, hits)  # '3월 교육': soonest first, not alphabetical
    await show_hits(t, text, hits, offset, filters)


async def by_next_date(t: Turn, hits: list[SearchHit]) -> list[SearchHit]:
    nexts = await next_cohorts(t.session, [h.course_id for h in hits], t.now.date())
    far = date.max
    return sorted(hits, key=lambda h: (nexts[h.course_id].precision != "day", nexts[h.course_id].start_on)
                  if h.course_id in nexts else (True, far))


async def show_hits(t: Turn, text: str, hits: list[SearchHit], offset: int, filters: Filters | None = None) -> None:
    _ = t.tr
    packed = pack(text, 48)
    more = MORE(offset + PAGE, packed) if packed is not None and offset + PAGE < len(hits) else None
    lines, buttons = await result_page(t, hits, offset, more)
    if offset:
        message = _("More courses matching “{query}” ({first}–{last} of {total}):", query=text[:50], first=offset + 1,
                    last=min(offset + PAGE, len(hits)), total=len(hits))
    else:
        message = t.tr.ngettext("One course matches “{query}”:", "{n} courses match “{query}”: choose one to see "
                                "its details.", len(hits), query=text[:50])
        if filters:
            message += "\n" + _("Conditions: {filters}", filters=describe_filters(filters, t.tr))
    t.reply("\n".join([message, *lines]), buttons)


async def show_window(t: Turn, start: date, end: date, rest: str, offset: int) -> None:
    """Cohorts starting in a period ('이번 달', '다음 달', '내일'), by date; quarter-dated ones after the dated."""
    _ = t.tr
    found = await cohorts_between(t.session, start, end, t.now.date())
    if rest.strip():
        wanted = {h.course_id for h in all_hits(t, *parse_query(rest))}
        found = [(cid, n) for cid, n in found if cid in wanted]
    when = t.tr.period(start, end, "day") if start != end else t.tr.date(start)
    if not found:
        t.reply(_("No cohort starts in {when}. Try another period, or a course name.", when=when))
        return
    page = found[offset:offset + PAGE]
    titles = await titles_of(t, [cid for cid, _n in page])
    lines = [_("Cohorts starting in {when}, by date:", when=when) if not offset else
             _("More cohorts starting in {when} ({first}–{last} of {total}):", when=when, first=offset + 1,
               last=min(offset + PAGE, len(found)), total=len(found))]
    buttons = []
    for i, (cid, n) in enumerate(page, offset + 1):
        title = titles.get(cid, cid)
        no = cohort_no(n.number, t.tr, shown_year(n, [n for _cid, n in page]))
        lines.append(f"{i}. {title} {no} — {cohort_state_text(n, t.tr)}")
        buttons.append([Button(button_label(f"{i}. {title}"), COURSE(cid))])
    packed = pack(rest.strip(), 32) if rest.strip() else None
    if offset + PAGE < len(found) and (packed is not None or not rest.strip()):
        buttons.append([Button(_("➡ More ({first}–{last} of {total})", first=offset + PAGE + 1,
                                 last=min(offset + 2 * PAGE, len(found)), total=len(found)),
                               WINDOW(start.toordinal(), end.toordinal(), offset + PAGE, packed))])
    t.reply("\n".join(lines), buttons)


@on(MORE)
async def on_more(t: Turn, offset: int, packed: str | None) -> None:
    text = unpack(packed)
    if not text:
        raise StaleButton(packed)
    query, filters = parse_query(text)
    if filters.seats_open:
        filters = replace(filters, open_courses=frozenset(await courses_with_seats(t.session)))
    hits = all_hits(t, query, filters)
    if offset >= len(hits):
        raise StaleButton(offset)
    if filters.months and not filters.categories and not query.strip():
        hits = await by_next_date(t, hits)
    await show_hits(t, text, hits, offset)


@on(WINDOW)
async def on_window(t: Turn, start: int, end: int, offset: int, packed: str | None) -> None:
    if end < start or end - start > 62:
        raise StaleButton((start, end))
    await show_window(t, date.fromordinal(start), date.fromordinal(end), unpack(packed), offset)


@escape(90)
async def strong_search(t: Turn, text: str) -> bool:
    """Mid-conversation, a message that clearly names a course (or a period: 다음 달 교육) is searched."""
    text = text.strip()
    if not has_words(text) or len(text) > MAX_QUERY:
        return False
    window = date_window(text, t.now.date())
    if window is not None and not window.rest:  # '다음 달 교육', not a sentence that mentions next month
        await run_search(t, text)
        return True
    query, filters = parse_query(text)
    index = t.services.search
    best = index.search(query, limit=1) if index and query.strip() else []
    if not best or best[0].score < STRONG:
        return False
    await run_search(t, text)
    return True


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
    others = t.services.search.search("", limit=ALL, filters=Filters(categories=frozenset({refusal.category})))
    text += " " + _("What we have in {category}:", category=t.tr(TOPICS[refusal.category]))
    word = CATEGORIES[refusal.category][0][0] if refusal.category in CATEGORIES else None  # '외국어': the whole list
    packed = pack(word, 48) if word else None
    lines, buttons = await result_page(t, others, 0, MORE(PAGE, packed) if packed and len(others) > PAGE else None)
    t.reply("\n".join([text, *lines]), buttons)


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
    external = bool((card.eligibility or {}).get("external"))  # foreign officials: no requests by employees
    if external:
        lines += ["", _("For invited officials of foreign cities: the city's employees cannot request a seat.")]
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
        no = cohort_no(c.number, tr, shown_year(c, card.cohorts))
        lines.append(_("{cohort}: {when}{track} · {seats}", cohort=no, when=when, track=track, seats=seats))
        if (c.status == "open" and not closed and not external
                and not started(c.start_on, c.end_on, c.precision, today)):
            full = c.capacity is not None and c.seats_left == 0
            buttons.append(Button(_("Waitlist {cohort}", cohort=no) if full else _("Apply {cohort}", cohort=no),
                                  ENROLL(c.id)))
    keyboard = [buttons[i:i + 3] for i in range(0, len(buttons), 3)]
    return "\n".join(lines), keyboard


async def show_card(t: Turn, course_id: str, *, edit: bool = False) -> None:
    card = await course_card(t.session, course_id, cache=t.services.cards, today=t.now.date())
    if card is None:
        raise StaleButton(course_id)
    text, buttons = render_card(card, t.tr, t.now.date())
    (t.edit if edit else t.reply)(text, buttons)


@on(COURSE)
async def on_course_button(t: Turn, course_id: str) -> None:
    await show_card(t, course_id)


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
    if await on_flow_text(t, text):
        return
    for handle in intents():
        if await handle(t, text):
            return
    await run_search(t, text)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("search", on_search_command))
