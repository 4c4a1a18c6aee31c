"""The Center and its yearly plan figures (for /about), from catalog/data/center.yaml."""
from __future__ import annotations

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
