"""E2E fixtures: the npm Bot API emulator (started once per run) and the real bot (`hrdbot run`, polling) as a
subprocess per test, with its own bot token (the emulator keeps each token's chats apart) and database."""
from __future__ import annotations

import fcntl
import itertools
import os
import shutil
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.client import Emulator, User
from tests.support import databases as dbs

ROOT = Path(__file__).resolve().parents[2]
EMULATOR_DIR = Path(__file__).resolve().parent / "emulator"
_token_ids = itertools.count(1)


def requires(module: str, what: str) -> None:
    """Skip (with the reason) a scenario whose feature has not landed yet."""
    import importlib

    try:
        importlib.import_module(module)
    except ImportError as exc:
        pytest.skip(f"{what} has not landed yet ({module}: {exc})")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the e2e emulator cannot run: {reason}")
    pytest.skip(f"e2e emulator unavailable: {reason}")


@pytest.fixture(scope="session")
def emulator_url():
    """`telegram-test-api` 4.2.1 (pinned in package-lock.json) behind tests/e2e/emulator/launch.js."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        _unavailable("Node.js (node and npm) is not installed")
    # Each pytest-xdist worker has its own emulator, but they share the one node_modules: one `npm ci` at a time.
    folder = os.open(EMULATOR_DIR, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        if not (EMULATOR_DIR / "node_modules" / "telegram-test-api").is_dir():
            done = subprocess.run([npm, "ci", "--prefix", str(EMULATOR_DIR), "--no-audit", "--no-fund"],
                                  capture_output=True, text=True, timeout=300)
            if done.returncode != 0:
                _unavailable(f"npm ci failed: {done.stderr[-2000:]}")
    finally:
        os.close(folder)  # and with it the lock
    proc = subprocess.Popen([node, str(EMULATOR_DIR / "launch.js"), "0"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("LISTENING"):
        proc.kill()
        _unavailable(f"launch.js did not start: {line!r} {proc.stderr.read()[-2000:]}")
    yield f"http://127.0.0.1:{int(line.split()[1])}"
    proc.stdin.close()  # launch.js exits when its stdin closes
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


@dataclass
class BotProcess:
    """`hrdbot run` against the emulator; `.user(id)` plays a Telegram user in a private chat with it."""

    proc: subprocess.Popen
    emu: Emulator
    log_path: Path
    env: dict[str, str]
    users: dict[int, User] = field(default_factory=dict)

    def user(self, user_id: int, first_name: str = "", language_code: str = "ko") -> User:
        if user_id not in self.users:
            self.users[user_id] = self.emu.user(user_id, first_name, language_code)
        return self.users[user_id]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # run_polling stops gracefully on SIGINT
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def _die_with_parent() -> None:
    """Linux: the bot gets SIGTERM if pytest dies (no orphan `hrdbot run` polling a dead emulator)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _bot_token() -> str:
    return f"{5_000_000 + next(_token_ids) * 1000 + os.getpid() % 1000}:e2e-{uuid.uuid4().hex}"


@pytest.fixture
async def start_bot(emulator_url, sqlite_template, tmp_path, request):
    """Factory: `bot = await start_bot(now="2022-03-02T09:00", admins=[9001], backend="sqlite")`.

    The bot process gets a throw-away database (a copy of the migrated, seeded SQLite template, or a fresh
    PostgreSQL database), HRDBOT_NOW for a 2022 date (its clock runs on in real time from there), a 1-second
    scheduler tick, and its log is checked for unhandled errors when the test ends."""
    requires("handlers.registry", "the app (all handlers importable)")
    started: list[tuple[BotProcess, bool]] = []
    pg_urls: list[str] = []

    async def start(*, now: str = "2022-01-03T09:00", admins=(), backend: str = "sqlite", tick: float = 1.0,
                    allow_errors: bool = False, extra_env: dict[str, str] | None = None,
                    again: BotProcess | None = None) -> BotProcess:
        """`again=previous_bot`: restart on the same database and bot token (the same chats), e.g. with the clock
        moved on; stop the previous process first."""
        if again is not None:
            url = again.env["HRDBOT_DATABASE_URL"]
        elif backend == "sqlite":
            url = dbs.sqlite_copy(sqlite_template, tmp_path)
        else:
            reason = dbs.pg_reachable()
            if reason is not None:
                if os.environ.get("CI", "").lower() == "true":
                    pytest.fail(f"CI=true but PostgreSQL is unreachable: {reason}")
                pytest.skip(f"PostgreSQL unreachable: {reason}")
            url = dbs.create_pg_database()
            pg_urls.append(url)
        token = again.emu.token if again is not None else _bot_token()
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": token, "HRDBOT_BOT_API_URL": f"{emulator_url}/bot",
               "HRDBOT_DATABASE_URL": url, "HRDBOT_NOW": now, "HRDBOT_TICK_SECONDS": str(tick),
               "HRDBOT_ADMIN_IDS": ",".join(str(a) for a in admins), "HRDBOT_LOCALE": "ko",
               **(extra_env or {})}
        log_path = tmp_path / f"bot-{len(started)}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "-v", "run"], cwd=ROOT, env=env,
                                    stdout=log, stderr=subprocess.STDOUT,
                                    preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        bot = BotProcess(proc, again.emu if again is not None else Emulator(emulator_url, token), log_path, env,
                         users=again.users if again is not None else {})
        started.append((bot, allow_errors))
        return bot

    yield start

    problems = []
    for bot, allow_errors in started:
        code = bot.stop()
        await bot.emu.http.aclose()
        log = bot.log()
        print(f"--- hrdbot run log (token {bot.emu.token}) ---\n{log[-6000:]}")  # shown when the test fails
        if code not in (0, -signal.SIGINT):
            problems.append(f"hrdbot run exited with {code}:\n{log[-4000:]}")
        elif not allow_errors and ("Traceback" in log or " ERROR " in log):
            first = min(i for i in (log.find(" ERROR "), log.find("Traceback")) if i >= 0)
            problems.append(f"hrdbot run logged an error:\n{log[max(0, first - 200):first + 3000]}")
    for url in pg_urls:
        dbs.drop_pg_database(url)
    if problems:
        pytest.fail("\n\n".join(problems))
