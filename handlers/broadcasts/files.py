"""Staff send a CSV/XLSX file to the bot: a course or cohort list, a plan workbook (courses + cohorts sheets) or an
attendance sheet, told apart by their sheets and headers (notifications/staff_files.py). A dry run first (what
would change, or the errors with row numbers), then an Apply button. The file is downloaded between two short
transactions (no database lock is held while we talk to Telegram), kept in the flow state for the Apply press,
validated again by the same service and applied all or nothing; new courses/cohorts are announced to their topic's
subscribers, people whose cohort moved are told, and the search index is rebuilt."""
from __future__ import annotations

import base64

from telegram import Update
from telegram.ext import ContextTypes

from catalog.attendance import AttendanceResult
from catalog.imports import FileProblem, ImportPlan, Problem, limits
from handlers.callbacks import Action, Flag, on
from handlers.flows import Step, flow, guard, leave
from handlers.turn import Turn, open_turn
from locales import N_, Translator
from locales import import_reports as say
from notifications.messages import Button
from notifications.plans import PlanImportOutcome
from notifications.staff_files import StaffFileOutcome, import_staff_file

FLOW = "import"
APPLY = Action("bci", Flag("apply"))
SHOW = 12  # errors / changes listed in a report


def _names(changes, action: str, tr: Translator) -> str:
    keys = [c.key for c in changes if c.action == action]
    more = len(keys) - SHOW
    text = ", ".join(keys[:SHOW])
    return text + (" " + tr("… and {count} more", count=more) if more > 0 else "")


def render_plan(plan: ImportPlan, tr: Translator, *, filename: str, applied: bool, notified: int = 0) -> str:
    """The import report (shared by the chat and `hrdbot import`)."""
    lines = [say.list_heading(tr, name=filename, kind=plan.kind, rows=plan.rows)]
    if not plan.ok:
        return "\n".join(lines + _problems(plan, tr))
    lines.append(say.list_counts(tr, applied=applied, added=plan.count("added"), updated=plan.count("updated"),
                                 unchanged=plan.count("unchanged")))
    if plan.count("added"):
        lines.append(tr("Added: {names}", names=_names(plan.changes, "added", tr)))
    updated = [c for c in plan.changes if c.action == "updated"]
    for c in updated[:SHOW]:
        lines.append(tr("Updated {key}: {fields}", key=c.key, fields=", ".join(c.changed)))
    if len(updated) > SHOW:
        lines.append(tr("… and {count} more", count=len(updated) - SHOW))
    if applied:
        lines += say.told(tr, news=notified)
    return "\n".join(lines)


def _problems(plan: ImportPlan, tr: Translator) -> list[str]:
    lines = [tr("{count} problems — nothing was imported. Fix them and send the file again:", count=len(plan.errors))]
    lines += ["• " + e.render(tr) for e in plan.errors[:SHOW]]
    if len(plan.errors) > SHOW:
        lines.append(tr("… and {count} more", count=len(plan.errors) - SHOW))
    return lines


def render_plan_file(outcome: PlanImportOutcome, tr: Translator, *, filename: str) -> str:
    """A plan workbook: each sheet's report, then who is told (applied)."""
    found = outcome.plan
    lines = [say.workbook_heading(tr, name=filename)]
    lines += [render_plan(p, tr, filename=filename, applied=found.applied) for p in found.reported()]
    if found.applied:
        lines += say.told(tr, news=outcome.told, moved=outcome.moved)
    return "\n".join(lines)


def render_attendance(result: AttendanceResult, tr: Translator, *, filename: str) -> str:
    lines = [say.attendance_heading(tr, name=filename, rows=result.plan.rows)]
    if not result.ok:
        return "\n".join(lines + _problems(result.plan, tr))
    lines.append(say.attendance_counts(tr, applied=result.applied, **result.counts()))
    return "\n".join(lines)


def render_outcome(outcome: StaffFileOutcome, tr: Translator, *, filename: str) -> str:
    if outcome.plan is not None:
        return render_plan_file(outcome.plan, tr, filename=filename)
    if outcome.attendance is not None:
        return render_attendance(outcome.attendance, tr, filename=filename)
    assert outcome.catalog is not None
    return render_plan(outcome.catalog.result.plan, tr, filename=filename, applied=outcome.applied,
                       notified=outcome.catalog.notified)


def render_problem(problem: Problem, tr: Translator, filename: str) -> str:
    return tr("I cannot import {name}: {reason}", name=filename, reason=problem.render(tr))


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_user is None or update.effective_message is None:
        return
    doc = update.effective_message.document
    name = (doc.file_name or "file") if doc else "file"
    proceed = False
    async with open_turn(update, context) as t:
        if t.refuse_unless_staff():
            return
        if doc is None:
            return
        cap = limits().max_bytes
        if doc.file_size and doc.file_size > cap:
            t.reply(render_problem(Problem("The file is too big ({size} kB; at most {limit} kB).",
                                           {"size": doc.file_size // 1000, "limit": cap // 1000}), t.tr, name))
            return
        proceed = True
    if not proceed:
        return
    try:  # no transaction is open while we download
        content = bytes(await (await doc.get_file()).download_as_bytearray())
    except Exception:  # noqa: BLE001 - Telegram refused the download (too big, expired)
        content = None
    async with open_turn(update, context) as t:
        if t.refuse_unless_staff():
            return
        if content is None:
            t.reply(t.tr("I could not download {name}. Please send it again.", name=name))
            return
        await _dry_run(t, name, content)


async def _dry_run(t: Turn, name: str, content: bytes) -> None:
    try:
        outcome = await import_staff_file(t.session, name, content, t.now, actor=t.actor, dry_run=True)
    except FileProblem as exc:
        t.reply(render_problem(exc.problem, t.tr, name))
        return
    report = render_outcome(outcome, t.tr, filename=name)
    if not outcome.ok or not outcome.changes_something:
        leave(t, FLOW)
        t.reply(report)
        return
    t.set_flow(FLOW, "confirm", {"name": name[:100], "kind": outcome.kind,
                                 "content": base64.b64encode(content).decode("ascii")})
    t.reply(report, [[Button(t.tr("✅ Apply the import"), APPLY(True)), Button(t.tr("✖ Cancel"), APPLY(False))]])


@on(APPLY)
async def on_import_button(t: Turn, apply: bool) -> None:
    if t.refuse_unless_staff():
        return
    data = guard(t, FLOW, "confirm")
    t.clear_flow()
    if not apply:
        t.edit(t.tr("Import cancelled. Nothing was changed."))
        return
    name = data.get("name", "file")
    try:
        content = base64.b64decode(data.get("content", ""))
        outcome = await import_staff_file(t.session, name, content, t.now, actor=t.actor, kind=data.get("kind"))
    except FileProblem as exc:
        t.edit(render_problem(exc.problem, t.tr, name))
        return
    applied = outcome.applied
    t.edit(render_outcome(outcome, t.tr, filename=name))
    if applied:
        t.outbox_written()
        t.after_commit.append(t.services.reload_search)


async def ask_again(t: Turn, error: str | None) -> None:
    """The checked file's plan and its Apply / Cancel buttons again."""
    data = t.flow_data
    try:
        content = base64.b64decode(data.get("content", ""))
    except ValueError:
        t.clear_flow()
        return
    if error:
        t.reply("⚠️ " + error)
    await _dry_run(t, data.get("name", "file"), content)


flow(FLOW, N_("the import of a file"), ask_again, Step("confirm"), staff=True)
