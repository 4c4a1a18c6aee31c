import pytest

from tests.web.support import make_dash


@pytest.fixture
async def dash(db, clock):
    dash = make_dash(db, clock)
    yield dash
    refresh = dash.config.cache.get("overview_refresh")  # a view may have left one running: not past the database
    if refresh is not None:
        await refresh


from tests.web.browser import browser  # noqa: E402,F401 - the Chromium fixture
