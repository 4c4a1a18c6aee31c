import pytest

from tests.web.support import make_dash


@pytest.fixture
async def dash(db, clock):
    return make_dash(db, clock)


from tests.web.browser import browser  # noqa: E402,F401 - the Chromium fixture
