"""Who may take a course: the report's entry conditions, checked against a person's profile.

A course carries a rule dict (all keys optional, all must hold):

- ``ranks: [6급]`` — the person's 직급 is one of these;
- ``positions: [과장]`` / ``[팀장]`` — the person's position;
- ``hired_within_months: 24`` — new hires: hired within N months before the cohort starts;
- ``retirement_within_years: 10`` — expected retirement within N years after the cohort starts, and not before it;
- ``note`` / ``note_en`` — display only.

`check()` is pure: it returns the first condition that fails as a :class:`Refusal` (a code and the facts a
clear sentence needs, JSON-friendly so it can be stored), or ``None`` when the person may apply. Dates in params
are ISO strings. The wording lives in handlers (``handlers/enrollment/refusals.py``).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from catalog.profiles import ProfileView

# The keys that restrict who may apply (note/note_en only describe them).
ENFORCED = ("ranks", "positions", "hired_within_months", "retirement_within_years")
CODES = ("profile_needed", "rank", "position", "new_hire", "retirement")


@dataclass(frozen=True)
class Refusal:
    code: str  # one of CODES
    params: dict[str, Any] = field(default_factory=dict)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def whole_years_between(start: date, end: date) -> int:
    """Completed years from start to end (negative when end is earlier)."""
    if end < start:
        return -whole_years_between(end, start)
    years = end.year - start.year
    if add_years(start, years) > end:
        years -= 1
    return years


def first_start_within(retirement_on: date, years: int) -> date:
    """The earliest start date from which `retirement_on` is within `years` (29 Feb is handled)."""
    start = add_years(retirement_on, -years)
    while add_years(start, years) < retirement_on:
        start = date.fromordinal(start.toordinal() + 1)
    return start


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()]
    return [str(v).strip() for v in value]


# The profile field each restricting key reads: what a request for the course asks of the person.
READS = {"ranks": "rank", "positions": "position", "hired_within_months": "hired_on",
         "retirement_within_years": "retirement_on"}


def fields_read(rule: dict | None) -> tuple[str, ...]:
    return tuple(f for key, f in READS.items() if rule and rule.get(key) not in (None, [], ""))


def unknown_fields(rule: dict | None, profile: ProfileView) -> tuple[str, ...]:
    """What the rule reads that the profile does not say: a rank never asked (""), no hire date… A position of ""
    is an answer (neither 과장 nor 팀장); None means the question was never asked."""
    return tuple(f for f in fields_read(rule)
                 if getattr(profile, f) is None or (f != "position" and getattr(profile, f) == ""))


def restricts(rule: dict | None) -> bool:
    """True when the rule limits who may apply (so a profile is needed to decide)."""
    return bool(rule) and any(rule.get(key) not in (None, [], "") for key in ENFORCED)


def check(rule: dict | None, profile: ProfileView | None, starts_on: date) -> Refusal | None:
    """The first condition of `rule` the person fails for a cohort starting on `starts_on`, else None."""
    if rule and rule.get("external"):  # a course for people outside the city's staff (foreign officials)
        return Refusal("external", {})
    if not restricts(rule):
        return None
    assert rule is not None
    if profile is None:
        return Refusal("profile_needed", {})
    unknown = unknown_fields(rule, profile)
    if unknown:  # asked only when a course reads them: the person adds them, nothing is refused yet
        return Refusal("profile_needed", {"fields": list(unknown)})

    ranks = _as_list(rule.get("ranks"))
    if ranks and (profile.rank or "").strip() not in ranks:
        return Refusal("rank", {"required": ranks, "rank": profile.rank})

    positions = _as_list(rule.get("positions"))
    if positions and (profile.position or "").strip() not in positions:
        return Refusal("position", {"required": positions, "position": profile.position})

    months = rule.get("hired_within_months")
    if months not in (None, ""):
        months = int(months)
        since = add_months(starts_on, -months)
        params: dict[str, Any] = {"months": months, "since": since.isoformat(), "starts_on": starts_on.isoformat()}
        if profile.hired_on > starts_on:
            return Refusal("new_hire", {**params, "hired_on": profile.hired_on.isoformat(), "not_yet": True})
        if profile.hired_on < since:
            return Refusal("new_hire", {**params, "hired_on": profile.hired_on.isoformat()})

    years = rule.get("retirement_within_years")
    if years not in (None, ""):
        years = int(years)
        params = {"years": years, "starts_on": starts_on.isoformat()}
        retirement_on = profile.retirement_on
        params["retirement_on"] = retirement_on.isoformat()
        if retirement_on < starts_on:
            return Refusal("retirement", {**params, "retired": True})
        if retirement_on > add_years(starts_on, years):
            return Refusal("retirement", {
                **params,
                "years_left": whole_years_between(starts_on, retirement_on),
                # the first cohort start from which this person would qualify
                "eligible_from": first_start_within(retirement_on, years).isoformat(),
            })
    return None
