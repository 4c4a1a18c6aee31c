"""Sentences shared by the enrollment screens and notices: statuses, refusals, one line per request."""
from __future__ import annotations

from datetime import date

from catalog.enrollment import EnrollmentView
from locales import Translator
from locales.labels import REJECT_REASONS, STATUS, cohort_no  # noqa: F401 (shared with the dashboard)



def course_name(tr: Translator, title: str, title_en: str | None, number: int, track: str | None = None,
                track_en: str | None = None, year: int | None = None) -> str:
    """`year`: where cohorts of several plan years are shown together ("엑셀 2023년 1회")."""
    name = (tr("{title} {cohort}", title=tr.pick(title, title_en), cohort=cohort_no(number, tr, year)) if year
            else tr("{title} #{number}", title=tr.pick(title, title_en), number=number))
    if track:
        name += f" ({tr.pick(track, track_en)})"
    return name


def view_name(tr: Translator, v: EnrollmentView, year: int | None = None) -> str:
    return course_name(tr, v.course_title, v.course_title_en, v.cohort_number, v.track, v.track_en, year)


def view_period(tr: Translator, v: EnrollmentView) -> str:
    return tr.period(v.start_on, v.end_on, v.precision)


def reason_text(tr: Translator, reason: str | None) -> str:
    """A preset reason is stored in English and shown in the reader's language; typed reasons as typed."""
    return tr(reason) if reason else ""


def status_text(tr: Translator, v: EnrollmentView, today: date) -> str:
    status = v.display_status(today)
    if status == "waitlisted" and v.moving_from:
        return tr("🔁 waiting to move here (#{position}); you keep your current seat until a seat frees up",
                  position=v.position or "?")
    if status == "waitlisted":
        return tr("🕒 waitlisted #{position}", position=v.position or "?")
    text = tr(STATUS[status]) if status in STATUS else status
    if status == "rejected" and v.reason:
        text += " — " + tr("reason: {reason}", reason=reason_text(tr, v.reason))
    return text


def view_line(tr: Translator, v: EnrollmentView, today: date) -> str:
    """Two lines; the second starts with the plan year, so a history across years reads "<year> · 🎓 completed"."""
    year = f"{v.year} · " if v.year else ""
    return f"{view_name(tr, v)} · {view_period(tr, v)}\n   {year}{status_text(tr, v, today)}"


def refusal_text(tr: Translator, code: str, params: dict | None = None) -> str:
    """Why a request cannot be made, in one or two clear sentences (wording shared with the profile and
    retirement screens: handlers/enrollment/refusals.py covers the eligibility codes and the service's own)."""
    from catalog.eligibility import Refusal
    from handlers.enrollment.refusals import refusal_text as shared

    return shared(Refusal(code, dict(params or {})), tr)
