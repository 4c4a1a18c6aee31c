"""Headless Chromium from Debian's package (`chromium`), driven by Playwright (never `playwright install`).

Screenshots go to artifacts/browser/ (or $HRDBOT_ARTIFACTS/browser), named after the test and database.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def artifacts() -> Path:
    path = Path(os.environ.get("HRDBOT_ARTIFACTS") or ROOT / "artifacts") / "browser"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
async def browser():
    exe = chromium_path()
    if exe is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but chromium is missing (.ci/run installs Debian's chromium and fonts-nanum)")
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-nanum)")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield b
        finally:
            await b.close()


async def shot(page, request, name: str) -> Path:
    db = request.node.callspec.params.get("db", "") if hasattr(request.node, "callspec") else ""
    path = artifacts() / f"{request.node.originalname}-{db}-{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def check_at_both_widths(page, request, name: str) -> None:
    """Every control named, a screenshot at 1280 px, then no sideways scroll at 390 px and a screenshot there."""
    assert await unnamed_controls(page) == []
    await shot(page, request, f"{name}-1280")
    await page.set_viewport_size(NARROW)
    assert await horizontal_overflow(page) == 0, f"{name} scrolls sideways at 390 px"
    await shot(page, request, f"{name}-390")


async def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no horizontal scroll)."""
    return await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


NAMED_ROLES = {"button", "link", "checkbox", "combobox", "textbox", "radio", "menuitem", "tab", "img", "searchbox",
               "spinbutton", "listbox"}


async def unnamed_controls(page) -> list[str]:
    """Controls Chromium's accessibility tree gives no name (what a screen reader would read as nothing)."""
    cdp = await page.context.new_cdp_session(page)
    tree = await cdp.send("Accessibility.getFullAXTree")
    out = []
    for node in tree["nodes"]:
        if node.get("ignored"):
            continue
        role = (node.get("role") or {}).get("value")
        name = ((node.get("name") or {}).get("value") or "").strip()
        if role in NAMED_ROLES and not name:
            out.append(f"{role} (node {node.get('backendDOMNodeId')})")
    return out
