"""Real processes on the real PostgreSQL: `hrdbot web` ×2 behind Debian's nginx (on deploy/'s own config),
`hrdbot worker` ×2, and the HTTP Bot API stand-in (tests/support/botapi_standin.py) recording every send.
Tests wait on observable events with deadlines (a reply recorded, a row changed), never fixed sleeps."""
from __future__ import annotations

import os

import pytest

from tests.support import databases as dbs
from tests.support.botapi_standin import BotApiStandIn
from tests.support.processes import Deployment, nginx_binary


def need_nginx() -> str:
    path = nginx_binary()
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but nginx is not installed (.ci/run installs it with apt-get)")
        pytest.skip("nginx is not installed (apt-get install -y nginx-light)")
    return path


@pytest.fixture
def fresh_pg(pg_url):
    """A migrated, seeded PostgreSQL database of its own (processes from other tests never touch it)."""
    url = dbs.create_pg_database()
    yield url
    dbs.drop_pg_database(url)


@pytest.fixture
def deployment(fresh_pg, tmp_path):
    standin = BotApiStandIn(rate=10_000, per_chat_interval=0).start()
    dep = Deployment(fresh_pg, standin, tmp_path)
    yield dep
    dep.stop()
    standin.stop()
