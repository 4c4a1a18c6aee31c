"""Real `hrdbot` processes around one database and one Bot API stand-in, nginx in front on deploy/'s own config:
for the multi-process tests (tests/process/) and the webhook benchmark (bench/webhook.py)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from db.clock import SystemClock, parse_moment
from tests.support.botapi_standin import BotApiStandIn
from tests.support.databases import SEED_TIME

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SECRET = "process-test-secret"
HOOK_PATH = "/telegram/webhook"  # the path deploy/nginx/hrdbot-locations.conf serves


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: Callable[[], object], *, timeout: float, what: str, every: float = 0.05):
    """Poll `check` until it returns something truthy; fail with `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


@dataclass
class Proc:
    role: str
    popen: subprocess.Popen
    log: Path
    port: int | None = None

    def lines(self) -> list[dict]:
        out = []
        for line in self.log.read_text(errors="replace").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append({"raw": line})
        return out

    def events(self, **match) -> list[dict]:
        return [r for r in self.lines() if all(r.get(k) == v for k, v in match.items())]

    def signal(self, sig: int) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(sig)

    def wait(self, timeout: float = 30) -> int:
        return self.popen.wait(timeout=timeout)


@dataclass
class Deployment:
    """One bot token's processes around one database; everything is stopped at teardown."""

    url: str
    standin: BotApiStandIn
    tmp: Path
    procs: list[Proc] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    nginx_port: int | None = None
    # Every process runs on one clock that starts at the seed's moment (HRDBOT_NOW) and runs on in real time, so no
    # test depends on today's date (a cohort "in a month" never falls into a plan year that does not exist).
    clock_start: str = SEED_TIME

    def now(self):
        """The processes' time: what the tests use to build their data."""
        return SystemClock(parse_moment(self.clock_start)).now()

    def env(self, **extra) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HRDBOT_", "TELEGRAM_"))}
        env.update(HRDBOT_DATABASE_URL=self.url, TELEGRAM_BOT_TOKEN=self.standin.token,
                   HRDBOT_BOT_API_URL=self.standin.base_url, HRDBOT_WEBHOOK_SECRET=SECRET,
                   HRDBOT_WEBHOOK_URL=f"https://bot.example.org{HOOK_PATH}", HRDBOT_LOG_FORMAT="json",
                   HRDBOT_TICK_SECONDS="1", HRDBOT_NOW=self.clock_start, PYTHONUNBUFFERED="1")
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def start(self, role: str, *args: str, **env) -> Proc:
        """`hrdbot ROLE …` (a web process gets a free port and is waited for until /readyz answers 200)."""
        return self.spawn(["-m", "bot.cli", role, *args], role, web=role == "web", **env)

    def spawn(self, argv: list[str], role: str, *, web: bool, **env) -> Proc:
        log = self.tmp / f"{role}-{len(self.procs)}.log"
        port = None
        if web:
            port = free_port()
            argv = [*argv, "--port", str(port)]
        popen = subprocess.Popen([sys.executable, *argv], cwd=ROOT, env=self.env(**env),
                                 stdout=subprocess.DEVNULL, stderr=log.open("w"))
        proc = Proc(role, popen, log, port)
        self.procs.append(proc)
        if web:
            wait_for(lambda: _get(f"http://127.0.0.1:{port}/readyz") == 200 or popen.poll() is not None,
                     timeout=60, what=f"{role} on port {port} to be ready")
            assert popen.poll() is None, log.read_text()
        return proc

    def stop_proc(self, proc: Proc, *, signalled: bool = False) -> None:
        if not signalled:  # a second SIGTERM during the graceful stop would end it by the signal
            proc.signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.popen.kill()
            proc.popen.wait()

    def start_nginx(self, webs: list[Proc]) -> int:
        nginx = nginx_binary()
        assert nginx, "nginx is not installed (apt-get install -y nginx-light)"
        port = free_port()
        conf = self.tmp / "nginx.conf"
        for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.tmp / d).mkdir(exist_ok=True)
        upstreams = "\n".join(f"    server 127.0.0.1:{w.port} max_fails=1 fail_timeout=5s;" for w in webs)
        conf.write_text(f"""
worker_processes 1;
pid {self.tmp}/nginx.pid;
error_log {self.tmp}/nginx-error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {self.tmp}/body;
    proxy_temp_path {self.tmp}/proxy;
    fastcgi_temp_path {self.tmp}/fastcgi;
    uwsgi_temp_path {self.tmp}/uwsgi;
    scgi_temp_path {self.tmp}/scgi;
    upstream hrdbot_web {{
{upstreams}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        include {DEPLOY}/nginx/hrdbot-locations.conf;
    }}
}}
""")
        self.nginx = subprocess.Popen([nginx, "-p", str(self.tmp), "-c", str(conf), "-e", str(self.tmp / "nginx-error.log")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.nginx_port = port
        wait_for(lambda: _get(f"http://127.0.0.1:{port}/healthz") == 200 or self.nginx.poll() is not None,
                 timeout=20, what="nginx")
        assert self.nginx.poll() is None, self.nginx.stderr.read()
        return port

    def post(self, update: dict, *, port: int | None = None, secret: str = SECRET) -> int:
        port = port or self.nginx_port
        req = urllib.request.Request(f"http://127.0.0.1:{port}{HOOK_PATH}", data=json.dumps(update).encode(),
                                     headers={"Content-Type": "application/json",
                                              "X-Telegram-Bot-Api-Secret-Token": secret}, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def stop(self) -> None:
        for proc in self.procs:  # all at once, then each waited for
            proc.signal(signal.SIGTERM)
        for proc in self.procs:
            self.stop_proc(proc, signalled=True)
        self.stop_nginx()

    def stop_nginx(self) -> None:
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)
            try:
                self.nginx.wait(10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()


def db_call(url: str, fn, *args, **kwargs):
    """Run `await fn(sessionmaker, …)` on a database from sync code (a test driving processes)."""
    from db.session import make_engine, make_sessionmaker
    from tests.support.databases import run_blocking

    async def go():
        engine = make_engine(url)
        try:
            return await fn(make_sessionmaker(engine), *args, **kwargs)
        finally:
            await engine.dispose()
    return run_blocking(go())


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0
