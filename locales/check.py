"""Checks translations: every msgid used in the code must be in ko (translated) and in en, with the same
{placeholders}. `python -m locales.check` prints what is missing as ready-to-paste .po entries."""
from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "handlers", "web", "notifications", "catalog", "locales")
KEYWORDS = {**DEFAULT_KEYWORDS, "tr": None, "N_": None, "self": None, "_": None, "ngettext": (1, 2)}
# The dashboard's Jinja templates call `_("…", name=…)` like the Python code does.
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2.ext:babel_extract")]
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def used_msgids() -> dict[str, str]:
    """msgid → first place it is used."""
    found: dict[str, str] = {}
    for top in SOURCES:
        for filename, lineno, message, _comments, _ctx in extract_from_dir(
            ROOT / top, method_map=METHODS, keywords=KEYWORDS
        ):
            for msgid in message if isinstance(message, tuple) else (message,):
                if msgid:
                    found.setdefault(msgid, f"{top}/{filename}:{lineno}")
    return found


PLURAL_FORMS: set[str] = set()  # msgids that are a form of an ngettext pair


def catalog(lang: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for path in sorted((ROOT / "locales" / lang).glob("*.po")):
        with path.open("rb") as fh:
            for message in read_po(fh, locale=lang):
                if not message.id:
                    continue
                if isinstance(message.id, tuple):  # ngettext: both forms are used msgids
                    forms = [f for f in (message.string if isinstance(message.string, tuple) else (message.string,))]
                    for i, key in enumerate(message.id):
                        PLURAL_FORMS.add(key)
                        entries[key] = (forms[min(i, len(forms) - 1)] if forms else "") or ""
                else:
                    entries[message.id] = message.string or ""
    return entries


def placeholders(text: str, plural: bool = False) -> set[str]:
    """The {names} of a text; in a plural form `{n}` (the count) may appear in one form and not in another."""
    return set(PLACEHOLDER.findall(text)) - ({"n"} if plural else set())


def problems() -> list[str]:
    used = used_msgids()
    ko, en = catalog("ko"), catalog("en")
    out = []
    for msgid, where in sorted(used.items(), key=lambda kv: kv[1]):
        if not ko.get(msgid):
            out.append(f"ko missing ({where}): {msgid!r}")
        elif placeholders(ko[msgid], msgid in PLURAL_FORMS) != placeholders(msgid, msgid in PLURAL_FORMS):
            out.append(f"ko placeholders differ ({where}): {msgid!r} → {ko[msgid]!r}")
        if msgid not in en:
            out.append(f"en missing ({where}): {msgid!r}")
        elif en[msgid] and (placeholders(en[msgid], msgid in PLURAL_FORMS)
                            != placeholders(msgid, msgid in PLURAL_FORMS)):
            out.append(f"en placeholders differ ({where}): {msgid!r}")
    return out


def _po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> int:
    used = used_msgids()
    ko, en = catalog("ko"), catalog("en")
    for lang, have in (("ko", ko), ("en", en)):
        missing = [m for m in used if (not have.get(m) if lang == "ko" else m not in have)]
        if missing:
            print(f"# ---- missing in {lang} ----")
            for m in missing:
                print(f"# {used[m]}\nmsgid {_po_quote(m)}\nmsgstr \"\"\n")
    issues = [p for p in problems() if "placeholders" in p]
    for p in issues:
        print("# " + p)
    return 1 if problems() else 0


if __name__ == "__main__":
    sys.exit(main())
