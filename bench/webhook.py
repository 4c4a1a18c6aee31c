"""Webhook benchmark: opening day over real HTTP, nginx → 1 and then 2 `hrdbot web` on PostgreSQL.

    python -m bench.webhook [--quick] [--employees N] [--rate 40] [--seconds S]

Employees (2,000; quick: 300), pre-seeded with consent and a profile, each search (`클라우드`), open the card, apply
and confirm for one cohort of 100 seats, each step sent after the previous one was answered. They arrive as an
open-loop stream offering `--rate` updates/s (4 updates per employee) to nginx (deploy/nginx/hrdbot-locations.conf)
in front of 1, then 2 `hrdbot web` processes. In the same run: the saturation throughput with 64 employees in a
closed loop (2 processes), and python-telegram-bot's own echo bot behind the same server, path and nginx (2
processes) as the ceiling. Replies go to the HTTP Bot API stand-in (tests/support/botapi_standin.py), in a process of its own.

Latency is from the request to its HTTP answer; `hrdbot web` answers after the turn's replies were accepted by the
stand-in, so it bounds "request → recorded reply" from above. CPU per update is read from /proc for each component.
PostgreSQL: HRDBOT_TEST_PG or the local server. Prints tables, then one JSON object as the last line.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import crowd  # noqa: E402
from tests.support import databases as dbs  # noqa: E402
from tests.support.processes import HOOK_PATH, SECRET, Deployment, db_call, nginx_binary  # noqa: E402
from tests.support.updates import button, message  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def _steps(cohort: int):
    return [lambda uid: message(uid, "클라우드"), lambda uid: button(uid, f"crs:{crowd.COURSE}"),
            lambda uid: button(uid, f"enr:{cohort}"), lambda uid: button(uid, f"enc:{cohort}")]


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


class _Conn:
    """One keep-alive HTTP/1.1 connection per employee, on asyncio streams: httpx's pool costs O(waiting
    requests) per request, so once a backlog formed the load generator itself became the bottleneck."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader = self.writer = None

    async def post(self, body: bytes) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(b"POST " + HOOK_PATH.encode() + b" HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                          b"X-Telegram-Bot-Api-Secret-Token: " + SECRET.encode() + b"\r\nContent-Length: "
                          + str(len(body)).encode() + b"\r\n\r\n" + body)
        status = int((await self.reader.readline()).split()[1])
        length, chunked = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if chunked:
            while (size := int((await self.reader.readline()).strip() or b"0", 16)) > 0:
                await self.reader.readexactly(size + 2)
            await self.reader.readline()
        elif length:
            await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


class Load:
    def __init__(self, port: int) -> None:
        self.port = port
        self.latencies: list[float] = []
        self.errors = 0
        self.completed: list[int] = []  # employees who sent all their steps

    async def send(self, conn: _Conn, update: dict) -> bool:
        started = time.perf_counter()
        try:
            ok = await asyncio.wait_for(conn.post(json.dumps(update).encode()), timeout=15.0) == 200
        except (OSError, asyncio.TimeoutError, ValueError, IndexError, asyncio.IncompleteReadError):
            ok = False
        if not ok:
            conn.close()
            self.errors += 1
            return False
        self.latencies.append(time.perf_counter() - started)
        return True

    async def open_loop(self, employees: list[int], cohort: int, rate: float) -> float:
        """Employees arrive every 4/rate s (offering `rate` updates/s); each sends its steps one after another."""
        steps = _steps(cohort)
        start = time.perf_counter() + 0.2

        async def employee(i: int, uid: int) -> None:
            await asyncio.sleep(max(0.0, start + i * len(steps) / rate - time.perf_counter()))
            conn = _Conn(self.port)
            try:
                for step in steps:
                    if not await self.send(conn, step(uid)):
                        return
                self.completed.append(uid)
            finally:
                conn.close()

        await asyncio.gather(*(employee(i, uid) for i, uid in enumerate(employees)))
        return time.perf_counter() - start

    async def closed_loop(self, employees: list[int], cohort: int, seconds: float) -> float:
        """Each employee sends its next step as soon as the previous one is answered, for `seconds`."""
        steps = _steps(cohort)
        stop = time.perf_counter() + seconds

        async def employee(uid: int) -> None:
            conn, i = _Conn(self.port), 0
            try:
                while time.perf_counter() < stop:
                    await self.send(conn, steps[i % len(steps)](uid))
                    i += 1
            finally:
                conn.close()

        started = time.perf_counter()
        await asyncio.gather(*(employee(uid) for uid in employees))
        return time.perf_counter() - started

    async def close(self) -> None:
        return None


# -- where the time goes: CPU seconds of each component, from /proc ------------------------------------------------
def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def _children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(d.name))
            except (OSError, IndexError, ValueError):
                pass
    return out


async def _pg_backends(sessionmaker) -> list[int]:
    from sqlalchemy import text

    async with sessionmaker() as s:
        return list((await s.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"))).scalars())


class CpuMeter:
    """CPU seconds of each component between two snapshots (per process, so one that appears meanwhile counts)."""

    def __init__(self, dep: Deployment, webs, standin_pid: int) -> None:
        self.dep, self.webs, self.standin_pid = dep, webs, standin_pid

    def snapshot(self) -> dict[str, dict[int, float]]:
        nginx = [self.dep.nginx.pid, *_children(self.dep.nginx.pid)] if self.dep.nginx else []
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {"web": {w.popen.pid: _cpu(w.popen.pid) for w in self.webs},
                "postgres": {p: _cpu(p) for p in db_call(self.dep.url, _pg_backends)},
                "nginx": {p: _cpu(p) for p in nginx},
                "stand-in": {self.standin_pid: _cpu(self.standin_pid)},
                "load generator": {0: usage.ru_utime + usage.ru_stime}}

    @staticmethod
    def spent(before: dict, after: dict) -> dict[str, float]:
        return {k: sum(v - before[k].get(pid, 0.0) for pid, v in after[k].items()) for k in after}


def _server_ms(webs, since: int) -> list[float]:
    out = []
    for w in webs:
        out += [e["ms"] for e in w.events(event="update")[since:]]
    return out


class StandInProcess:
    """The Bot API stand-in in a process of its own, so that the load generator and it do not share one GIL."""

    def __init__(self) -> None:
        import subprocess

        from tests.support.processes import free_port, wait_for

        self.port = free_port()
        self.token = "123:standin"
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.support.botapi_standin", "--port", str(self.port),
                                      "--rate", "1000000000", "--per-chat-interval", "0"], cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.pid = self.proc.pid
        self.base_url = f"http://127.0.0.1:{self.port}/bot"
        wait_for(lambda: self._get("getMe") is not None, timeout=20, what="the stand-in")

    def _get(self, method: str):
        try:
            return httpx.post(f"{self.base_url}{self.token}/{method}", timeout=10).json()["result"]
        except (httpx.HTTPError, KeyError, ValueError):
            return None

    def replies(self) -> dict[int, int]:
        return {int(k): v for k, v in (self._get("standinReplies") or {}).items()}

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


# -- the run ---------------------------------------------------------------------------------------------------------
def run(args) -> dict:
    nginx = nginx_binary()
    if nginx is None:
        raise SystemExit("bench.webhook: nginx is needed (apt-get install -y nginx-light)")
    url = dbs.create_pg_database()
    standin = StandInProcess()
    n = args.employees or (300 if args.quick else 2000)
    seconds = args.seconds or (6.0 if args.quick else 15.0)
    waves = [list(range(1_000_000, 1_000_000 + n)), list(range(2_000_000, 2_000_000 + n))]
    closed = list(range(3_000_000, 3_000_064))
    result: dict = {"employees": n, "offered_rate": args.rate, "capacity": 100}
    tmp = Path(tempfile.mkdtemp(prefix="bench-webhook-"))
    dep = Deployment(url, standin, tmp)
    now = dep.now()  # the processes' clock (HRDBOT_NOW), not today's date
    try:
        cohorts = [db_call(url, crowd.open_course, capacity=100, cohorts=1, now=now, first=k)[0] for k in (1, 2, 3)]
        db_call(url, crowd.add_employees, [u for w in waves for u in w] + closed, now=now)
        webs = [dep.start("web")]
        rows = []
        for workers, wave, cohort in ((1, waves[0], cohorts[0]), (2, waves[1], cohorts[1])):
            if workers == 2:
                webs.append(dep.start("web"))
                dep.stop_nginx()
            port = dep.start_nginx(webs)
            logged = [len(w.events(event="update")) for w in webs]
            meter = CpuMeter(dep, webs, standin.pid)
            before = meter.snapshot()
            load = Load(port)
            elapsed = asyncio.run(_open(load, wave, cohort, args.rate))
            spent = CpuMeter.spent(before, meter.snapshot())
            replies = standin.replies()
            unanswered = sum(max(0, 4 - replies.get(uid, 0)) for uid in load.completed)
            audit = db_call(url, crowd.audit, [cohort], 100)
            server = []
            for w, since in zip(webs, logged + [0]):
                server += [e["ms"] for e in w.events(event="update")[since:]]
            done = len(load.latencies)
            rows.append({"workers": workers, "mode": f"open loop, {args.rate:g} upd/s offered",
                         "updates_per_s": round(done / elapsed, 1), "updates": done,
                         "p50_ms": round(_pct(load.latencies, 0.5) * 1000, 1),
                         "p99_ms": round(_pct(load.latencies, 0.99) * 1000, 1),
                         "server_p50_ms": round(_pct(server, 0.5), 1), "server_p99_ms": round(_pct(server, 0.99), 1),
                         "errors": load.errors, "unanswered": unanswered, "overbooked": audit["overbooked"],
                         "seats_held": sum(audit["held"].values()),
                         "cpu_ms_per_update": {k: round(v * 1000 / max(1, done), 2) for k, v in spent.items()}})
        # saturation: 64 employees in a closed loop on the 2 processes
        load = Load(dep.nginx_port)
        elapsed = asyncio.run(_closed(load, closed, cohorts[2], seconds))
        sat = {"workers": 2, "mode": "closed loop, 64 employees", "updates_per_s": round(len(load.latencies) / elapsed, 1),
               "p50_ms": round(_pct(load.latencies, 0.5) * 1000, 1), "p99_ms": round(_pct(load.latencies, 0.99) * 1000, 1),
               "errors": load.errors, "overbooked": db_call(url, crowd.audit, [cohorts[2]], 100)["overbooked"]}
        # the ceiling: PTB's echo bot behind the same nginx, server and path
        for w in webs:
            dep.stop_proc(w)
        echos = [dep.spawn(["-m", "bench.echo_web"], "echo", web=True) for _ in range(2)]
        dep.stop_nginx()
        port = dep.start_nginx(echos)
        load = Load(port)
        elapsed = asyncio.run(_closed(load, closed, cohorts[2], seconds))
        echo = {"workers": 2, "mode": "echo bot, closed loop, 64", "updates_per_s": round(len(load.latencies) / elapsed, 1),
                "p50_ms": round(_pct(load.latencies, 0.5) * 1000, 1), "p99_ms": round(_pct(load.latencies, 0.99) * 1000, 1),
                "errors": load.errors}
        result.update(open_loop=rows, saturation=sat, echo=echo,
                      ratio_to_echo=round(sat["updates_per_s"] / echo["updates_per_s"], 3) if echo["updates_per_s"] else None)
    finally:
        dep.stop()
        standin.stop()
        dbs.drop_pg_database(url)
    two = result["open_loop"][-1]
    result["target_met"] = two["p99_ms"] <= 250 and two["errors"] == 0 and two["overbooked"] == 0
    return result


async def _open(load: Load, wave, cohort, rate) -> float:
    try:
        return await load.open_loop(wave, cohort, rate)
    finally:
        await load.close()


async def _closed(load: Load, employees, cohort, seconds) -> float:
    try:
        return await load.closed_loop(employees, cohort, seconds)
    finally:
        await load.close()


def print_tables(r: dict) -> None:
    print(f"bench.webhook: {r['employees']} employees per wave, one cohort of {r['capacity']} seats each, "
          f"nginx → hrdbot web on PostgreSQL")
    print()
    print("| web processes | load | upd/s | p50 | p99 | in web p50 / p99 | errors | unanswered | overbooked |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in r["open_loop"]:
        print(f"| {row['workers']} | {row['mode']} | {row['updates_per_s']} | {row['p50_ms']} ms | {row['p99_ms']} ms | "
              f"{row['server_p50_ms']} / {row['server_p99_ms']} ms | {row['errors']} | {row['unanswered']} | "
              f"{row['overbooked']} |")
    s, e = r["saturation"], r["echo"]
    print(f"| 2 | {s['mode']} | {s['updates_per_s']} | {s['p50_ms']} ms | {s['p99_ms']} ms | — | {s['errors']} | — | "
          f"{s['overbooked']} |")
    print(f"| 2 | {e['mode']} | {e['updates_per_s']} | {e['p50_ms']} ms | {e['p99_ms']} ms | — | {e['errors']} | — | — |")
    print(f"\nsaturation / echo ceiling: {r['ratio_to_echo']:.1%}")
    print("\nwhere the time goes (CPU ms per update, open loop):")
    print("| web processes | " + " | ".join(r["open_loop"][0]["cpu_ms_per_update"]) + " |")
    print("|---|" + "---|" * len(r["open_loop"][0]["cpu_ms_per_update"]))
    for row in r["open_loop"]:
        print(f"| {row['workers']} | " + " | ".join(f"{v}" for v in row["cpu_ms_per_update"].values()) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 employees per wave, 6 s closed loops")
    parser.add_argument("--employees", type=int)
    parser.add_argument("--rate", type=float, default=40.0, help="updates/s offered in the open loop")
    parser.add_argument("--seconds", type=float, help="length of each closed loop")
    result = run(parser.parse_args())
    print_tables(result)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
