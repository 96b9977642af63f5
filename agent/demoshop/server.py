"""DemoShop: the embedded marketplace on 127.0.0.1, served from a daemon thread."""

from __future__ import annotations

import contextlib
import secrets
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

from .catalog import VERSIONED_CHATS, VERSIONED_ITEMS
from .handler import Handler

STOP_JOIN_S = 5.0


def beijing_now() -> datetime:
    """The shop's wall clock: Beijing time (as a naive datetime), as Chinese shops show it."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], shop: DemoShop) -> None:
        self.shop = shop
        super().__init__(address, Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError) and (
            self.shop._stopping.is_set() or isinstance(exc, ConnectionError | TimeoutError)
        ):
            return  # a client went away, or we are closing its socket: not an error
        super().handle_error(request, client_address)  # traceback to stderr


class DemoShop:
    """A small, deterministic marketplace for tests, demos and ``jianyipai demo-shop``.

    ``now`` is the clock behind the chat's 今天/昨天 timestamps (the conversation itself
    is pinned to the day the shop was made, ``chat_anchor``); versions of listings and
    chats live on the instance and can also be switched over ``/_admin/version``.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        now: Callable[[], datetime] = beijing_now,
        verbose: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.now = now
        self.verbose = verbose
        self.hits: Counter[str] = Counter()
        self.accounts: dict[str, str] = {}  # session token (cookie jyp_sid) -> user name
        # the day /chat/s1's last messages were sent: fixed when the shop starts, so that
        # moving the clock on shows 今天 as 昨天, as a real chat does
        self.chat_anchor = now().date()
        self._versions = dict.fromkeys(VERSIONED_ITEMS, 1)
        self.blocked: dict[str, str] = {}  # path -> "captcha" | "login" shown instead of it
        self._chat_versions = dict.fromkeys(VERSIONED_CHATS, 1)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._conns: dict[socket.socket, threading.Thread] = {}

    # -- lifecycle ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:41234``."""
        if self._server is None:
            raise RuntimeError("DemoShop is not running; call start() first")
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}"

    def start(self) -> DemoShop:
        """Bind and serve in a daemon thread; the socket accepts once this returns."""
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server((self.host, self.port), self)
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"demoshop:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, end open (even hanging) responses, and join the threads."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        with self._lock:
            conns = list(self._conns.items())
        for sock, _ in conns:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        server.server_close()
        deadline = time.monotonic() + STOP_JOIN_S
        if thread is not None:
            thread.join(max(0.0, deadline - time.monotonic()))
        for _, worker in conns:
            if worker is not threading.current_thread():
                worker.join(max(0.0, deadline - time.monotonic()))
        self._server = None
        self._thread = None

    def __enter__(self) -> DemoShop:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- versions -----------------------------------------------------------------------

    def set_version(self, item: str, version: int) -> None:
        """Switch a listing (only ``"1001"`` has versions) to ``version`` (1 = original)."""
        self._set(self._versions, "item", VERSIONED_ITEMS, item, version)

    def set_chat_version(self, chat: str, version: int) -> None:
        """Switch a chat thread (only ``"s1"`` has versions) to ``version``."""
        self._set(self._chat_versions, "chat", VERSIONED_CHATS, chat, version)

    def set_blocked(self, path: str, kind: str | None) -> None:
        """Answer ``path`` with a captcha or login wall (kind), or normally again (None)."""
        if kind is None:
            self.blocked.pop(path, None)
        elif kind in ("captcha", "login"):
            self.blocked[path] = kind
        else:
            raise ValueError(f"unknown block kind {kind!r} (captcha or login)")

    def add_session(self, user: str) -> str:
        """Sign ``user`` in; return the token a ``jyp_sid`` cookie must carry."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self.accounts[token] = user
        return token

    def user_of(self, token: str | None) -> str | None:
        with self._lock:
            return self.accounts.get(token or "")

    def get_version(self, item: str) -> int:
        with self._lock:
            return self._versions.get(item, 1)

    def get_chat_version(self, chat: str) -> int:
        with self._lock:
            return self._chat_versions.get(chat, 1)

    def _set(
        self, table: dict[str, int], what: str, known: dict[str, int], key: str, version: int
    ) -> None:
        key = str(key)
        if key not in known:
            raise ValueError(f"unknown {what} {key!r}; versioned: {', '.join(sorted(known))}")
        if not isinstance(version, int) or not 1 <= version <= known[key]:
            raise ValueError(f"{what} {key} has versions 1..{known[key]}, not {version!r}")
        with self._lock:
            table[key] = version

    # -- used by the handler ------------------------------------------------------------

    def _hit(self, path: str) -> None:
        with self._lock:
            self.hits[path] += 1

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._conns[conn] = threading.current_thread()
            else:
                self._conns.pop(conn, None)


def serve(host: str = "127.0.0.1", port: int = 8765, *, verbose: bool = False) -> None:
    """Run the demo shop in the foreground until Ctrl-C (for ``jianyipai demo-shop``)."""
    shop = DemoShop(host, port, verbose=verbose).start()
    print(f"jianyipai demo shop at {shop.url}/  (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        while True:
            time.sleep(1.0)
    except KeyboardInterrupt:
        pass
    finally:
        shop.stop()
