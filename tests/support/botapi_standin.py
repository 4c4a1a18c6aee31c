"""A local HTTP stand-in of the Telegram Bot API that behaves like Telegram under load.

It enforces Telegram's limits (answers 429 with ``parameters.retry_after`` when exceeded), answers 403 for
users who blocked the bot, injects 5xx answers and timeouts on demand, and records every message it accepted
so a test can count deliveries and duplicates. Every answer is Bot API-shaped (PTB parses it with its own
classes; see tests/notifications/broadcasts/test_standin.py). Standard library only: ``http.server`` in a thread.

Usage::

    from tests.support.botapi_standin import BotApiStandIn

    standin = BotApiStandIn(rate=30, per_chat_interval=1.0).start()   # 127.0.0.1, a free port
    bot = Bot("123:abc", base_url=standin.base_url, request=HTTPXRequest(read_timeout=2))
    standin.blocked.add(5003)                  # sendMessage to chat 5003 → 403 Forbidden
    standin.fail_next(3, status=502)           # the next 3 sends → 502 Bad Gateway (nothing delivered)
    standin.timeout_next(2, delay=3.0)         # the next 2 sends hang for 3 s, then 504; nothing delivered
    standin.timeout_next(1, delivered=True)    # … delivered, but the answer never comes in time (a real dup risk)
    standin.retry_after_at(10, 40, seconds=1)  # the 10th and 40th send → 429 retry_after 1, however fast they come
    standin.faults(p_5xx=0.02, p_timeout=0.01, seed=7)   # random faults from now on
    ...
    standin.delivered          # [(chat_id, text), …] in order of acceptance
    standin.answered           # [(time, chat_id, HTTP status), …] for every send, on `standin.clock`
    standin.duplicates()       # {(chat_id, text): times} for everything delivered more than once
    standin.stats              # counters: accepted, rate_limited, forbidden, server_errors, timeouts
    standin.stop()

Or from a shell (the benchmark runs it in its own process this way)::

    python -m tests.support.botapi_standin --port 8081 --rate 30
"""
from __future__ import annotations

import argparse
import email.parser
import email.policy
import itertools
import json
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

BOT_USER = {"id": 777000222, "is_bot": True, "first_name": "Stand-in Bot", "username": "standin_bot",
            "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}


@dataclass
class Stats:
    accepted: int = 0
    rate_limited: int = 0
    forbidden: int = 0
    server_errors: int = 0
    timeouts: int = 0
    requests: int = 0


@dataclass
class _Fault:
    kind: str  # status | timeout | retry
    status: int = 500
    delay: float = 0.0
    delivered: bool = False


class BotApiStandIn:
    """Telegram's Bot API as far as a sender cares: getMe, sendMessage, sendDocument, and the limits."""

    def __init__(self, *, rate: float = 30.0, per_chat_interval: float = 1.0, window: float = 1.0,
                 host: str = "127.0.0.1", port: int = 0, token: str = "123:standin",
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate  # messages per `window` seconds overall (Telegram: ~30/s)
        self.window = window
        self.per_chat_interval = per_chat_interval  # Telegram: ~1 message/s per private chat
        self.host, self.port, self.token = host, port, token
        self.blocked: set[int] = set()
        self.delivered: list[tuple[int, str]] = []
        self.clock = clock  # its time for the limits; a test may share a fake one with the sender's RateLimits
        self.delivered_at: list[float] = []  # `clock` time of each accepted message
        self.answered: list[tuple[float, int, int]] = []  # (`clock` time, chat, HTTP status) of every send
        self.calls: list[tuple[str, dict]] = []  # every accepted call that is not a send (edits, button answers…)
        self.webhook: dict = {}  # what setWebhook was told
        self.buttons: dict[int, list[str]] = {}  # chat → callback data of every button it was shown, in order
        self.replies: Counter = Counter()  # chat → messages sent or edited for it (what a person sees change)
        self.stats = Stats()
        self.on_delivered: Callable[[int], None] | None = None  # called with the running count (after recording)
        self._lock = threading.Lock()
        self._recent: deque[float] = deque()
        self._chat_last: dict[int, float] = {}
        self._queued: deque[_Fault] = deque()
        self._retry_at: dict[int, int] = {}  # send number → retry_after seconds
        self._random: random.Random | None = None
        self._p_5xx = self._p_timeout = 0.0
        self._random_delay = 2.0
        self._ids = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ----------------------------------------------------------------------------------------
    def start(self) -> "BotApiStandIn":
        standin = self

        class Handler(_Handler):
            owner = standin

        self._server = _Server((self.host, self.port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="botapi-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "BotApiStandIn":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """For PTB: ``Bot(token, base_url=standin.base_url)`` (PTB appends the token)."""
        return f"http://{self.host}:{self.port}/bot"

    # -- faults ---------------------------------------------------------------------------------------------
    def fail_next(self, count: int = 1, *, status: int = 500) -> None:
        with self._lock:
            self._queued.extend(_Fault("status", status=status) for _ in range(count))

    def retry_after_next(self, count: int = 1, *, seconds: int = 5) -> None:
        """The next `count` sends get 429 Too Many Requests with this retry_after (flood control)."""
        with self._lock:
            self._queued.extend(_Fault("retry", status=429, delay=float(seconds)) for _ in range(count))

    def retry_after_at(self, *numbers: int, seconds: int = 1) -> None:
        """The sends with these numbers (1 = the first send this stand-in receives, counted like `stats.requests`)
        get 429 with this retry_after: flood control chosen by count, so a test sees it however slowly it sends."""
        with self._lock:
            self._retry_at.update((n, seconds) for n in numbers)

    def timeout_next(self, count: int = 1, *, delay: float = 3.0, delivered: bool = False) -> None:
        with self._lock:
            self._queued.extend(_Fault("timeout", delay=delay, delivered=delivered) for _ in range(count))

    def faults(self, *, p_5xx: float = 0.0, p_timeout: float = 0.0, seed: int = 0, delay: float = 2.0) -> None:
        """Random faults on sends from now on (a timeout here never delivers: exactly-once stays checkable)."""
        with self._lock:
            self._random = random.Random(seed)
            self._p_5xx, self._p_timeout, self._random_delay = p_5xx, p_timeout, delay

    # -- what was delivered ---------------------------------------------------------------------------------
    def count(self) -> int:
        with self._lock:
            return len(self.delivered)

    def per_chat(self) -> Counter:
        with self._lock:
            return Counter(chat for chat, _ in self.delivered)

    def duplicates(self) -> dict[tuple[int, str], int]:
        with self._lock:
            return {k: n for k, n in Counter(self.delivered).items() if n > 1}

    def rate_achieved(self) -> float:
        """Accepted messages per second between the first and the last one."""
        with self._lock:
            if len(self.delivered_at) < 2:
                return 0.0
            return (len(self.delivered_at) - 1) / (self.delivered_at[-1] - self.delivered_at[0])

    def max_in_window(self) -> int:
        """The most messages accepted in any `window` (proof the limit held)."""
        with self._lock:
            times = list(self.delivered_at)
        best, j = 0, 0
        for i, t in enumerate(times):
            while times[j] <= t - self.window:
                j += 1
            best = max(best, i - j + 1)
        return best

    def reset(self) -> None:
        with self._lock:
            self.delivered.clear()
            self.delivered_at.clear()
            self._recent.clear()
            self._chat_last.clear()
            self._queued.clear()
            self._retry_at.clear()
            self.answered.clear()
            self.stats = Stats()

    # -- the API --------------------------------------------------------------------------------------------
    @staticmethod
    def _error(status: int, description: str, **parameters) -> tuple[int, dict]:
        body: dict = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return status, body

    def _message(self, chat_id: int, **extra) -> dict:
        return {"message_id": next(self._ids), "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": f"user {chat_id}"},
                "from": BOT_USER, **extra}

    def _note_buttons(self, params: dict) -> None:
        markup = params.get("reply_markup")
        if not markup or "chat_id" not in params:
            return
        try:
            rows = (json.loads(markup) if isinstance(markup, str) else markup).get("inline_keyboard") or []
            datas = [b["callback_data"] for row in rows for b in row if "callback_data" in b]
        except (ValueError, AttributeError, TypeError):
            return
        with self._lock:
            self.buttons.setdefault(int(params["chat_id"]), []).extend(datas)

    def answer(self, method: str, params: dict) -> tuple[int, dict, float]:
        """(HTTP status, JSON body, seconds to wait before answering)."""
        if method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            self._note_buttons(params)
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}, 0.0
        if method == "standinReplies":  # not Telegram's: what a stand-in in another process recorded, per chat
            with self._lock:
                return 200, {"ok": True, "result": {str(k): v for k, v in self.replies.items()}}, 0.0
        if method in ("setWebhook", "getWebhookInfo", "editMessageText", "editMessageReplyMarkup"):
            with self._lock:
                self.calls.append((method, dict(params)))
                if method == "setWebhook":
                    self.webhook = dict(params)
                if method.startswith("edit"):
                    result = self._message(int(params.get("chat_id") or 0), text=str(params.get("text") or ""))
                    self.replies[int(params.get("chat_id") or 0)] += 1
                else:
                    result = True if method == "setWebhook" else {
                        "url": self.webhook.get("url", ""), "has_custom_certificate": False,
                        "pending_update_count": 0}
            return 200, {"ok": True, "result": result}, 0.0
        if method not in ("sendMessage", "sendDocument"):
            if method in ("setMyCommands", "deleteWebhook", "sendChatAction", "answerCallbackQuery", "close", "logOut"):
                with self._lock:
                    self.calls.append((method, dict(params)))
                    if method == "deleteWebhook":
                        self.webhook = {}
                return 200, {"ok": True, "result": True}, 0.0
            status, body = self._error(400, f"Bad Request: method {method} is not supported by the stand-in")
            return status, body, 0.0
        try:
            chat_id = int(params.get("chat_id"))
        except (TypeError, ValueError):
            status, body = self._error(400, "Bad Request: chat_id is empty")
            return status, body, 0.0
        text = str(params.get("text") if method == "sendMessage" else params.get("caption") or "")
        if method == "sendMessage" and not text:
            status, body = self._error(400, "Bad Request: message text is empty")
            return status, body, 0.0
        if len(text) > 4096:
            status, body = self._error(400, "Bad Request: message is too long")
            return status, body, 0.0
        with self._lock:
            status, body, delay, count = self._send(chat_id, text, method)
            self.answered.append((self.clock(), chat_id, status))
        if count and self.on_delivered is not None:
            self.on_delivered(count)
        return status, body, delay

    def _send(self, chat_id: int, text: str, method: str) -> tuple[int, dict, float, int]:
        """A send's (status, body, delay) and the running count of deliveries (0: not delivered). Under the lock."""
        self.stats.requests += 1
        retry = self._retry_at.pop(self.stats.requests, None)
        fault = _Fault("retry", delay=float(retry)) if retry is not None else (
            self._queued.popleft() if self._queued else None)
        if fault is None and self._random is not None:
            r = self._random.random()
            if r < self._p_5xx:
                fault = _Fault("status", status=self._random.choice((500, 502, 503)))
            elif r < self._p_5xx + self._p_timeout:
                fault = _Fault("timeout", delay=self._random_delay)
        if fault is not None and fault.kind == "retry":
            self.stats.rate_limited += 1
            return (*self._error(429, f"Too Many Requests: retry after {int(fault.delay)}",
                                 retry_after=int(fault.delay)), 0.0, 0)
        if fault is not None and fault.kind == "status":
            self.stats.server_errors += 1
            reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}.get(
                fault.status, "Server Error")
            return (*self._error(fault.status, reason), 0.0, 0)
        if fault is not None and not fault.delivered:
            self.stats.timeouts += 1
            return (*self._error(504, "Gateway Timeout"), fault.delay, 0)
        if chat_id in self.blocked:
            self.stats.forbidden += 1
            return (*self._error(403, "Forbidden: bot was blocked by the user"), 0.0, 0)
        now = self.clock()
        while self._recent and self._recent[0] <= now - self.window:
            self._recent.popleft()
        last = self._chat_last.get(chat_id)
        if len(self._recent) >= self.rate:
            wait = self._recent[0] + self.window - now
        elif last is not None and now - last < self.per_chat_interval:
            wait = last + self.per_chat_interval - now
        else:
            wait = 0.0
        if wait > 0:
            self.stats.rate_limited += 1
            retry = max(1, int(wait + 0.999))
            return (*self._error(429, f"Too Many Requests: retry after {retry}", retry_after=retry), 0.0, 0)
        self._recent.append(now)
        self._chat_last[chat_id] = now
        self.delivered.append((chat_id, text))
        self.replies[chat_id] += 1
        self.delivered_at.append(now)
        self.stats.accepted += 1
        count = len(self.delivered)
        if method == "sendDocument":
            result = self._message(chat_id, caption=text, document={
                "file_id": f"doc{count}", "file_unique_id": f"u{count}", "file_name": "file"})
        else:
            result = self._message(chat_id, text=text)
        if fault is not None:  # delivered, but the answer comes too late
            self.stats.timeouts += 1
        return 200, {"ok": True, "result": result}, (fault.delay if fault is not None else 0.0), count


def _params(content_type: str, raw: bytes) -> dict:
    if content_type.startswith("application/json"):
        return json.loads(raw or b"{}")
    if content_type.startswith("multipart/form-data"):
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
        out = {}
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name and part.get_filename() is None:
                out[name] = part.get_content() if part.get_content_maintype() == "text" else part.get_payload(decode=True).decode()
        return out
    return {k: v[-1] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # a client killed mid-request (the kill benchmark)
        return None


class _Handler(BaseHTTPRequestHandler):
    owner: BotApiStandIn
    protocol_version = "HTTP/1.1"  # keep-alive, like api.telegram.org
    disable_nagle_algorithm = True  # headers and body are two writes: without this each answer waits ~40 ms

    def log_message(self, *args) -> None:  # quiet
        return None

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        prefix = f"/bot{self.owner.token}/"
        if not path.startswith(prefix):
            status, body, delay = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}, 0.0
        else:
            try:
                params = _params(self.headers.get("Content-Type", ""), raw)
            except Exception:  # noqa: BLE001
                params = {}
            status, body, delay = self.owner.answer(path[len(prefix):], params)
        if delay:
            time.sleep(delay)
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (its timeout): fine
            pass

    do_POST = _handle
    do_GET = _handle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--per-chat-interval", type=float, default=1.0)
    parser.add_argument("--token", default="123:standin")
    args = parser.parse_args()
    standin = BotApiStandIn(rate=args.rate, per_chat_interval=args.per_chat_interval, port=args.port,
                            token=args.token).start()
    print(f"Bot API stand-in on {standin.base_url}{standin.token}/ (rate {args.rate}/s)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()
