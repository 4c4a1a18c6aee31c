"""The sentences of a staff file's import report, in one place for the chat (handlers/broadcasts/files.py), the CLI
and the dashboard's plan page (web/file_report.py): the same words in ko and en wherever staff import a file.
Plain numbers in, text out; each presentation lays the sentences out its own way (chat lines, HTML tables)."""
from __future__ import annotations

from locales.i18n import N_, Translator

SHEET_KINDS = {"courses": N_("courses"), "cohorts": N_("cohorts")}


def list_heading(tr: Translator, *, name: str, kind: str, rows: int) -> str:
    """A course or cohort list, or one sheet of a plan workbook."""
    return tr("Import of {name} ({kind}): {rows} rows.", name=name, kind=tr(SHEET_KINDS.get(kind, kind)), rows=rows)


def workbook_heading(tr: Translator, *, name: str) -> str:
    return tr("Plan workbook {name}: courses and cohorts sheets.", name=name)


def attendance_heading(tr: Translator, *, name: str, rows: int) -> str:
    return tr("Attendance sheet {name}: {rows} rows.", name=name, rows=rows)


def list_counts(tr: Translator, *, applied: bool, added: int, updated: int, unchanged: int) -> str:
    head = (tr("Imported: {added} added, {updated} updated, {unchanged} unchanged.") if applied else
            tr("Dry run — nothing changed yet. It would add {added}, update {updated}, leave {unchanged} unchanged."))
    return head.format(added=added, updated=updated, unchanged=unchanged)


def attendance_counts(tr: Translator, *, applied: bool, completed: int, no_show: int, same: int) -> str:
    counts = dict(completed=completed, no_show=no_show, same=same)
    return (tr("Recorded: {completed} completed, {no_show} did not attend ({same} already so).", **counts)
            if applied else
            tr("Dry run — nothing changed yet. It would record {completed} completed and {no_show} who did not "
               "attend ({same} already so).", **counts))


def told(tr: Translator, *, news: int = 0, moved: int = 0) -> list[str]:
    """Who hears about an applied import: course-news subscribers, people whose cohort moved."""
    lines = [tr("Course news queued for {count} subscribers.", count=news)] if news else []
    if moved:
        lines.append(tr.ngettext("{n} person told the new dates of their cohort.",
                                 "{n} people told the new dates of their cohort.", moved))
    return lines
