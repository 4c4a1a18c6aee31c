"""Text staff type into a search box (a course title, a person's name): matched as a substring, case ignored, with
LIKE's own wildcards in it taken literally (a search for "7_0" finds "7_0", not "700")."""
from __future__ import annotations

from sqlalchemy import or_

ESCAPE = "\\"


def pattern(text: str) -> str:
    """`%text%`, with `\\`, `%` and `_` in the text escaped."""
    return "%" + text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_") + "%"


def contains(text: str, *columns):
    """Any of the columns contains the text."""
    like = pattern(text)
    return or_(*(column.ilike(like, escape=ESCAPE) for column in columns))
