"""The Center and its yearly plan figures (for /about), from catalog/data/center.yaml."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("data") / "center.yaml"


@lru_cache(maxsize=1)
def center_info() -> dict:
    with DATA.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def plan_figures(info: dict, year: int) -> tuple[int, dict]:
    """(year, figures) of the plan year, else of the latest earlier year with figures, else of the earliest."""
    plans = {int(k): v for k, v in (info.get("plans") or {}).items()}
    if not plans:
        return year, {}
    earlier = [y for y in plans if y <= year]
    chosen = max(earlier) if earlier else min(plans)
    return chosen, plans[chosen] or {}


@dataclass(frozen=True)
class ContactDetails:
    """How to reach the Center, from the deployment's settings (HRDBOT_CONTACT_*): the report gives none, so the
    bot ships with none and says so rather than inventing a number."""

    phone: str = ""
    address: str = ""
    website: str = ""
    email: str = ""
    topics: tuple[tuple[str, str], ...] = ()  # (topic key, "담당 부서 02-…") per course category

    def __bool__(self) -> bool:
        return bool(self.phone or self.address or self.website or self.email or self.topics)

    def for_topic(self, topic: str | None) -> str:
        return dict(self.topics).get(topic or "", "")


def parse_topic_contacts(raw: str | None) -> tuple[tuple[str, str], ...]:
    """`it=정보화교육팀 02-…; language=…` → ((it, …), (language, …)); unknown shapes are skipped."""
    out = []
    for part in (raw or "").split(";"):
        key, sep, value = part.partition("=")
        if sep and key.strip() and value.strip():
            out.append((key.strip(), value.strip()))
    return tuple(out)
