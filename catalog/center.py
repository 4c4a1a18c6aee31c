"""The Center and its 2022 plan (for /about), from catalog/data/center.yaml."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("data") / "center.yaml"


@lru_cache(maxsize=1)
def center_info() -> dict:
    with DATA.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}
