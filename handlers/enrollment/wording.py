"""Sentences shared by the enrollment screens and notices: statuses, refusals, one line per request."""
from __future__ import annotations

from datetime import date

from catalog.enrollment import EnrollmentView
from locales import N_, Translator

STATUS = {
    "pending": N_("⏳ awaiting staff approval (seat held)"),
    "confirmed": N_("✅ confirmed"),
    "rejected": N_("❌ not approved"),
    "cancelled": N_("cancelled"),
    "completed": N_("🎓 completed"),
}

# Preset reasons a staff member can pick with one press (stored as the English text, shown translated).
REJECT_REASONS = (
    N_("The course is for another target group"),
    N_("Your department has used its seats for this cohort"),
    N_("Please apply for a later cohort"),
)


def _day(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def course_name(tr: Translator, title: str, title_en: str | None, number: int, track: str | None = None,
                track_en: str | None = None) -> str:
    name = tr("{title} #{number}", title=tr.pick(title, title_en), number=number)
    if track:
        name += f" ({tr.pick(track, track_en)})"
    return name


def view_name(tr: Translator, v: EnrollmentView) -> str:
    return course_name(tr, v.course_title, v.course_title_en, v.cohort_number, v.track, v.track_en)


def view_period(tr: Translator, v: EnrollmentView) -> str:
    return tr.period(v.start_on, v.end_on, v.precision)


def reason_text(tr: Translator, reason: str | None) -> str:
    """A preset reason is stored in English and shown in the reader's language; typed reasons as typed."""
    return tr(reason) if reason else ""


def status_text(tr: Translator, v: EnrollmentView, today: date) -> str:
    status = v.display_status(today)
    if status == "waitlisted":
        return tr("🕒 waitlisted #{position}", position=v.position or "?")
    text = tr(STATUS[status]) if status in STATUS else status
    if status == "rejected" and v.reason:
        text += " — " + tr("reason: {reason}", reason=reason_text(tr, v.reason))
    return text


def view_line(tr: Translator, v: EnrollmentView, today: date) -> str:
    return f"{view_name(tr, v)} · {view_period(tr, v)}\n   {status_text(tr, v, today)}"


def refusal_text(tr: Translator, code: str, params: dict | None = None) -> str:
    """Why a request cannot be made, in one or two clear sentences: the profile helper's wording
    (handlers/enrollment/refusals.py) when it is there, else ours."""
    try:
        from catalog.eligibility import Refusal
        from handlers.enrollment.refusals import refusal_text as shared
    except ImportError:  # pragma: no cover - only while that module is being written
        return _own_refusal_text(tr, code, params)
    return shared(Refusal(code, dict(params or {})), tr)


def _own_refusal_text(tr: Translator, code: str, params: dict | None = None) -> str:
    p = dict(params or {})
    _ = tr
    if code == "profile_needed":
        return _("This course has entry conditions, so I need your profile first (/profile).")
    if code == "rank":
        return _("This course is for {required} only; your profile says {rank}.",
                 required=", ".join(p.get("required") or []), rank=p.get("rank") or "–")
    if code == "position":
        return _("This course is for {required} only; your profile says {position}.",
                 required=", ".join(p.get("required") or []), position=p.get("position") or _("no position"))
    if code == "new_hire":
        if p.get("missing"):
            return _("This course is for new hires. Please add your hire date to your profile (/profile).")
        since = _day(p.get("since"))
        return _("This course is for people hired within {months} months before it starts (on or after {since}).",
                 months=p.get("months", "?"), since=tr.date(since) if since else "?")
    if code == "retirement":
        if p.get("missing"):
            return _("This programme is for people retiring soon. Please add your expected retirement date "
                     "to your profile (/profile).")
        if p.get("retired"):
            return _("Your expected retirement date is before this cohort starts.")
        eligible_from = _day(p.get("eligible_from"))
        text = _("This programme is for people retiring within {years} years of its start.", years=p.get("years", "?"))
        if eligible_from:
            text += " " + _("You can apply for cohorts starting from {day}.", day=tr.date(eligible_from))
        return text
    if code == "closed":
        return _("This cohort is not taking requests.")
    if code == "started":
        return _("This cohort has already started, so it no longer takes requests.")
    if code == "same_course":
        return _("You already have a request for another cohort of this course:")
    if code == "overlap":
        return _("Its dates overlap with a course you already asked for:")
    if code == "not_found":
        return _("This cohort no longer exists. Please search again.")
    return _("This request is not possible.")
