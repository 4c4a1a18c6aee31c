"""Course card → choose a cohort (`ENROLL`) → terms → confirm (`CONFIRM`) → outcome. See docs/enrollment.md."""
from __future__ import annotations

from catalog import enrollment as svc
from handlers.callbacks import Action, Int, StaleButton, on
from handlers.enrollment.actions import CONFIRM, ENROLL, MY
from handlers.search import COURSE
from handlers.enrollment.refusals import field_list
from handlers.enrollment.wording import course_name, refusal_text, status_text, view_line
from handlers.labels import APPROVAL, DELIVERY, label
from handlers.turn import Turn
from notifications.messages import Button


async def ask_profile_for(t: Turn, cohort_id: int) -> bool:
    """True when the person's profile says what this cohort's course checks; otherwise the profile flow asks just
    that (notice and consent first) and then shows these terms again (handlers/enrollment/profile.py)."""
    from handlers.enrollment.profile import require_profile

    terms = await svc.preview(t.session, user_id=t.user.id, cohort_id=cohort_id, today=t.now.date())
    if terms is None:
        raise StaleButton(cohort_id)
    return await require_profile(t, ENROLL(cohort_id), terms.eligibility)


def terms_text(t: Turn, terms: svc.Terms) -> str:
    _ = t.tr
    tr = t.tr
    lines = [
        "📝 " + course_name(tr, terms.course_title, terms.course_title_en, terms.cohort_number, terms.track,
                           terms.track_en),
        _("Dates: {period}", period=tr.period(terms.start_on, terms.end_on, terms.precision)),
        _("Format: {delivery}", delivery=label(DELIVERY, terms.delivery, tr)),
    ]
    if terms.capacity is None:
        lines.append(_("Seats: open enrolment"))
    elif terms.capacity_estimated:
        lines.append(_("Seats: {left} of about {capacity} left (estimate)", left=terms.seats_left,
                       capacity=terms.capacity))
    else:
        lines.append(_("Seats: {left} of {capacity} left", left=terms.seats_left, capacity=terms.capacity))
    note = tr.pick(terms.eligibility.get("note"), terms.eligibility.get("note_en"))
    if note:
        lines.append(_("Who may apply: {note}", note=note))
    lines.append(_("Policy: {policy}", policy=label(APPROVAL, terms.approval, tr)))
    if terms.deadline is not None and terms.refusal is None:
        lines.append(_("Apply by: {day}", day=tr.date(terms.deadline)))
    lines.append("")
    if terms.would_be == "confirmed":
        lines.append(_("A seat is free: confirm and it is yours."))
    elif terms.would_be == "pending":
        lines.append(_("Confirm to send your request; your seat is held until staff decide."))
    elif terms.would_be == "waitlisted":
        lines.append(_("This cohort is full. You can join the waitlist: you would be #{position}. When a seat "
                       "frees up, the first person waiting gets it automatically.", position=terms.position))
    elif terms.would_be == "duplicate" and terms.existing is not None:
        lines.append(_("You already asked for this cohort: {status}.",
                       status=status_text(tr, terms.existing, t.now.date())))
    elif terms.refusal is not None and terms.refusal.code == "profile_needed":
        # the seat check comes first; consent and the profile only when the person wants to go on
        if terms.seats_left == 0:
            lines.append(_("This cohort is full: a request would join its waitlist."))
        elif terms.seats_left is not None:
            lines.append(_("Seats are free at the moment."))
        if terms.refusal.params.get("fields"):
            lines.append(refusal_text(tr, "profile_needed", terms.refusal.params) + " " + _(
                "Nothing is stored until you agree."))
        else:
            lines.append(_("To send a request I need your consent and a short profile. Nothing is stored until "
                           "you agree."))
    elif terms.refusal is not None:
        lines.append("⛔ " + refusal_text(tr, terms.refusal.code, terms.refusal.params))
        if terms.existing is not None:
            lines.append(view_line(tr, terms.existing, t.now.date()))
    return "\n".join(lines)


def terms_buttons(t: Turn, terms: svc.Terms) -> list[list[Button]]:
    _ = t.tr
    rows: list[list[Button]] = []
    if terms.would_be == "confirmed":
        rows.append([Button(_("✅ Confirm request"), CONFIRM(terms.cohort_id))])
    elif terms.would_be == "pending":  # not "confirmed": staff decide
        rows.append([Button(_("📨 Send the request"), CONFIRM(terms.cohort_id))])
    elif terms.would_be == "waitlisted":
        rows.append([Button(_("🕒 Join the waitlist (#{position})", position=terms.position),
                            CONFIRM(terms.cohort_id))])
    if terms.existing is not None:
        rows.append([Button(_("📋 My enrollments"), MY(None))])
    rows.append([Button(_("⬅ Back to the course"), COURSE(terms.course_id))])
    return rows


PROFILE_FIRST = Action("enr.prf", Int("cohort", 1))


@on(ENROLL)
async def on_choose_cohort(t: Turn, cohort_id: int) -> None:
    """A cohort's button on the course card: show the terms before anything is recorded."""
    try:  # retirement programmes have a guided sign-up (retirement date, track, family programme)
        from handlers.enrollment.retirement import redirect_cohort
    except ImportError:  # pragma: no cover
        redirect_cohort = None
    if redirect_cohort is not None and await redirect_cohort(t, cohort_id):
        return
    terms = await svc.preview(t.session, user_id=t.user.id, cohort_id=cohort_id, today=t.now.date())
    if terms is None:
        raise StaleButton(cohort_id)
    if terms.refusal is not None and terms.refusal.code == "profile_needed":  # the terms first, writing nothing
        go_on = (t.tr("➡ Continue: add {fields}", fields=field_list(terms.refusal.params["fields"], t.tr))
                 if terms.refusal.params.get("fields") else t.tr("➡ Continue: consent and profile"))
        t.reply(terms_text(t, terms), [[Button(go_on, PROFILE_FIRST(cohort_id))],
                                       [Button(t.tr("⬅ Back to the course"), COURSE(terms.course_id))]])
        return
    t.reply(terms_text(t, terms), terms_buttons(t, terms))


@on(PROFILE_FIRST)
async def on_profile_first(t: Turn, cohort_id: int) -> None:
    """After reading the terms: consent and the profile, then the same terms again with the Confirm button."""
    if await ask_profile_for(t, cohort_id):  # the profile says it by now (another device): the terms
        await on_choose_cohort(t, cohort_id)


def outcome_text(t: Turn, outcome: svc.EnrollOutcome) -> str:
    _ = t.tr
    tr = t.tr
    today = t.now.date()
    v = outcome.enrollment
    if outcome.status == "confirmed" and v:
        return _("✅ Your seat is confirmed: {name}, {period}. /my lists your enrollments.",
                 name=course_name(tr, v.course_title, v.course_title_en, v.cohort_number, v.track, v.track_en),
                 period=tr.period(v.start_on, v.end_on, v.precision))
    if outcome.status == "pending" and v:
        return _("📨 Request sent: {name}. HRD Center staff will decide; your seat is held until then and I will "
                 "message you.", name=course_name(tr, v.course_title, v.course_title_en, v.cohort_number, v.track,
                                                  v.track_en))
    if outcome.status == "waitlisted" and v:
        return _("🕒 The cohort is full: you are #{position} on the waitlist for {name}. If a seat frees up you get "
                 "it automatically and I will message you.", position=outcome.position,
                 name=course_name(tr, v.course_title, v.course_title_en, v.cohort_number, v.track, v.track_en))
    if outcome.status == "duplicate" and outcome.existing:
        return _("You already asked for this cohort: {status}.", status=status_text(tr, outcome.existing, today))
    refusal = outcome.refusal
    text = "⛔ " + refusal_text(tr, refusal.code if refusal else "", refusal.params if refusal else {})
    if outcome.existing is not None:
        text += "\n" + view_line(tr, outcome.existing, today)
    return text


@on(CONFIRM)
async def on_confirm(t: Turn, cohort_id: int) -> None:
    """Confirm: the seat is decided now, under the cohort lock."""
    outcome = await svc.request_seat(t.session, user_id=t.user.id, cohort_id=cohort_id, now=t.now)
    if outcome.promoted:
        t.outbox_written()
    if outcome.status == "refused" and outcome.refusal is not None:
        if outcome.refusal.code == "not_found":
            raise StaleButton(cohort_id)
        if outcome.refusal.code == "guided_signup":  # a retirement programme: its sign-up asks the questions
            from handlers.enrollment.retirement import redirect_cohort

            await redirect_cohort(t, cohort_id)
            return
        if outcome.refusal.code == "profile_needed":
            await ask_profile_for(t, cohort_id)
            return
    buttons = [[Button(t.tr("📋 My enrollments"), MY(None))]]
    t.edit(outcome_text(t, outcome), buttons)
