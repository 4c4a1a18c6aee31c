"""A refused request in one or two clear, polite sentences in the reader's language, and labels for ranks and
positions (stored in Korean, shown translated)."""
from __future__ import annotations

from datetime import date

from catalog.eligibility import Refusal
from locales import N_, Translator
from locales.labels import POSITION_LABELS, RANK_LABELS, position_label, rank_label  # noqa: F401 (shared)

FIELD_NAMES = {
    "full_name": N_("Name"), "department": N_("Department"), "rank": N_("Rank"), "position": N_("Position"),
    "employee_no": N_("Employee number"), "hired_on": N_("Hire date"), "retirement_on": N_("Expected retirement"),
}


def field_list(fields, tr: Translator) -> str:
    """Profile fields as the reader says them: "이름, 부서, 직급"."""
    return ", ".join(tr(FIELD_NAMES[f]) for f in fields)


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _date(tr: Translator, value: object) -> str:
    day = _day(value)
    return tr.date(day) if day else "–"


def refusal_text(refusal: Refusal | None, tr: Translator) -> str:
    """Why the request cannot be made, and what the person can do about it when there is something."""
    _ = tr
    if refusal is None:
        return _("Sorry, this request cannot be made.")
    p = dict(refusal.params or {})
    code = refusal.code
    if code == "profile_needed":
        if p.get("fields"):
            return _("To check who may take this course I also need: {fields}.", fields=field_list(p["fields"], tr))
        return _("This course has entry conditions, so I need a short profile from you first.")
    if code == "rank":
        required = ", ".join(rank_label(r, tr) for r in p.get("required") or [])
        return _("This course is only for {required}. Your profile says {rank}. "
                 "If your rank has changed, please update it with /profile.",
                 required=required, rank=rank_label(p.get("rank"), tr))
    if code == "position":
        required = ", ".join(position_label(r, tr) for r in p.get("required") or [])
        return _("This course is only for {required}. Your profile says {position}. "
                 "If that has changed, please update it with /profile.",
                 required=required, position=position_label(p.get("position"), tr))
    if code == "new_hire":
        months = p.get("months", "?")
        if p.get("not_yet"):
            return _("This course is for new employees, but your hire date ({hired_on}) is after this cohort "
                     "starts ({starts_on}).", hired_on=_date(tr, p.get("hired_on")), starts_on=_date(tr, p.get("starts_on")))
        return _("This course is for new employees hired within {months} months before it starts, that is on or "
                 "after {since}. Your hire date is {hired_on}.",
                 months=months, since=_date(tr, p.get("since")), hired_on=_date(tr, p.get("hired_on")))
    if code == "retirement":
        years = p.get("years", "?")
        if p.get("retired"):
            return _("Your expected retirement date ({retirement_on}) is before this cohort starts ({starts_on}), "
                     "so this cohort is not possible.",
                     retirement_on=_date(tr, p.get("retirement_on")), starts_on=_date(tr, p.get("starts_on")))
        text = _("This programme is for people within {years} years of retirement. Your expected retirement date "
                 "is {retirement_on}, about {left} years after this cohort starts.",
                 years=years, retirement_on=_date(tr, p.get("retirement_on")), left=p.get("years_left", "?"))
        if p.get("eligible_from"):
            text += " " + _("You can apply for cohorts that start on or after {day}.",
                            day=_date(tr, p.get("eligible_from")))
        return text
    # Codes of the enrollment service (catalog/enrollment.py), so this can render any refusal.
    if code == "external":
        return _("This course is for officials of foreign cities invited by the HRD Center; the city's employees "
                 "cannot request a seat in it.")
    if code == "closed":
        return _("Sorry, this cohort is not taking requests.")
    if code == "started":
        return _("Sorry, this cohort has already begun, so it no longer takes requests.")
    if code == "deadline":
        return _("Applications for this cohort closed on {day}. Please choose a later cohort, or contact the "
                 "HRD Center.", day=_date(tr, p.get("day")))
    if code == "same_course":
        return _("You already have a request for another cohort of this course.")
    if code == "overlap":
        return _("Its dates overlap with another course you have asked for.")
    if code == "not_found":
        return _("Sorry, this cohort no longer exists. Please search again.")
    return _("Sorry, this request cannot be made.")
