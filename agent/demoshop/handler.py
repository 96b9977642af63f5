"""HTTP request handler: maps the demo shop's routes to pages, APIs and canned failures."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import (
    account,
    anomaly_pages,
    blocked_pages,
    chat,
    checkout_pages,
    en_pages,
    history_pages,
    im_pages,
    images,
    item_pages,
    misc_pages,
    order_pages,
    qr_pages,
    share_pages,
)
from .catalog import RECOMMENDATIONS, price_json
from .layout import asset

if TYPE_CHECKING:
    from .server import DemoShop

HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
STATIC_TYPES = {
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
    "html": HTML,
}
STATIC_RE = re.compile(r"^/static/([a-z0-9][a-z0-9_-]*)\.(css|js|svg|png|html)$")
IMG_RE = re.compile(r"^/img/([A-Za-z0-9][A-Za-z0-9_-]{0,63})\.(svg|png)$")
CHAT_API_RE = re.compile(r"^/api/chat/([a-z0-9]+)/messages$")
IM_API_RE = re.compile(r"^/api/im/([a-z0-9]+)/messages$")
HANG_LIMIT_S = 600.0
SLOW_STEP_S = 0.25
CHAT_DELAY_S = 0.3


class Handler(BaseHTTPRequestHandler):
    """One request; ``self.server.shop`` is the owning :class:`DemoShop`."""

    protocol_version = "HTTP/1.1"
    server_version = "jianyipai-demoshop/1.0"
    sys_version = ""

    @property
    def shop(self) -> DemoShop:
        return self.server.shop  # type: ignore[attr-defined, no-any-return]

    def setup(self) -> None:
        super().setup()
        self.shop._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.shop._track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        if self.shop.verbose:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    # -- plumbing -----------------------------------------------------------------------

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.shop._hit(path)
        try:
            self._route(path, query)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send(
        self,
        status: int,
        body: bytes | str,
        ctype: str = HTML,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj, ensure_ascii=False), JSON)

    def _redirect(self, status: int, location: str) -> None:
        body = (
            '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8">'
            f'<a href="{location}">跳转中</a>'
        )
        self._send(status, body, headers={"Location": location})

    def _start_chunked(self, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", HTML)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.flush()

    def _chunk(self, data: bytes) -> None:
        if data:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

    # -- routes -------------------------------------------------------------------------

    def _route(self, path: str, query: dict[str, str]) -> None:
        shop = self.shop
        if path in shop.blocked:
            page = blocked_pages.captcha if shop.blocked[path] == "captcha" else blocked_pages.login
            return self._send(200, page(path))
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        for pages in (anomaly_pages, checkout_pages, qr_pages, share_pages,
                      history_pages):  # issue 14
            got = pages.answer(shop, host, path, query)
            if got is not None:
                status, body, ctype, headers = got
                return self._send(status, body, ctype, headers)
        simple: dict[str, Callable[[], str]] = {
            "/": misc_pages.home,
            "/en": en_pages.en_home,
            "/en/": en_pages.en_home,
            "/item/1002": en_pages.item_1002,
            "/item/1003": item_pages.item_1003,
            "/item/busy": misc_pages.busy,
            "/item/mutating": misc_pages.mutating,
            "/item/spin": misc_pages.spin,
            "/item/download": misc_pages.download_page,
            "/shop/s1": misc_pages.shop_s1,
            "/order/2391": order_pages.order_2391,
        }
        if path in simple:
            return self._send(200, simple[path]())
        if path == "/item/1001":
            return self._send(200, item_pages.item_1001(shop.get_version("1001")))
        if path == "/item/gbk":
            doc = item_pages.item_gbk().encode("gbk", errors="xmlcharrefreplace")
            return self._send(200, doc, "text/html; charset=gbk")
        if path == "/item/removed":
            return self._send(404, misc_pages.removed())
        if path == "/item/error":
            return self._send(500, misc_pages.server_error())
        if path == "/item/slow":
            return self._slow()
        if path == "/item/hang":
            return self._hang()
        if path.startswith("/px/") and path.endswith(".gif"):
            return self._send(200, misc_pages.PIXEL_GIF, "image/gif")
        if path == "/item/tall":
            n = query.get("screens", "")
            return self._send(200, item_pages.item_tall(min(int(n), 400) if n.isdigit() else item_pages.TALL_BLOCKS))
        if path == "/item/many":
            n = query.get("n", "2000")
            return self._send(200, misc_pages.many_requests(min(int(n), 5000) if n.isdigit() else 2000))
        if path.startswith("/go/") and len(path) > 4:
            return self._redirect(302, "/r/" + path[4:])
        if path.startswith("/r/") and len(path) > 3:
            return self._redirect(301, "/item/" + path[3:])
        if path == "/download/manual.pdf":
            headers = {"Content-Disposition": 'attachment; filename="manual.pdf"'}
            return self._send(200, misc_pages.manual_pdf(), "application/pdf", headers)
        if path == "/whoami":
            return self._send(200, account.whoami(shop.user_of(self._cookie(account.COOKIE))))
        if path == "/account/login":
            return self._login(query)
        if path == "/chat/" + chat.PLAIN:
            return self._send(200, chat.plain_chat_page(shop.get_chat_version("s1"), shop.now(),
                                                        shop.chat_anchor))
        if path.startswith("/chat/") and path[6:] in chat.CHATS:
            cid = path[6:]
            return self._send(200, chat.chat_page(cid, shop.get_chat_version(cid), shop.now(),
                                                  shop.chat_anchor))
        if path.startswith("/im/") and path[4:] in im_pages.PAGES:
            return self._im(path[4:], query)
        if path == "/im/never":
            return self._never()
        if path.startswith("/api/") or path.startswith("/_admin/"):
            return self._api(path, query)
        if m := STATIC_RE.match(path):
            try:
                data = asset(f"{m[1]}.{m[2]}")
            except (FileNotFoundError, IsADirectoryError):
                return self._send(404, misc_pages.not_found())
            return self._send(200, data, STATIC_TYPES[m[2]])
        if m := IMG_RE.match(path):
            if m[2] == "svg":
                return self._send(200, images.svg(m[1]), "image/svg+xml")
            return self._send(200, images.png(m[1]), "image/png")
        return self._send(404, misc_pages.not_found())

    def _api(self, path: str, query: dict[str, str]) -> None:
        shop = self.shop
        if path == "/api/ping":
            n = query.get("n", "0")
            return self._json(200, {"ok": True, "n": int(n) if n.isdigit() else 0})
        if path == "/api/price/1001":
            return self._json(200, price_json("1001", shop.get_version("1001")))
        if path == "/api/reco/1001":
            return self._json(200, list(RECOMMENDATIONS))
        if (m := CHAT_API_RE.match(path)) and m[1] in chat.CHATS:
            try:
                before = int(query["before"]) if query.get("before") else None
                limit = int(query.get("limit", chat.PAGE_SIZE))
            except ValueError:
                return self._json(400, {"ok": False, "error": "before/limit must be integers"})
            if shop._stopping.wait(CHAT_DELAY_S):
                return
            version = shop.get_chat_version(m[1]) if m[1] == "s1" else 1
            return self._json(200, chat.history(m[1], version, shop.now(), before, limit,
                                                shop.chat_anchor))
        if (m := IM_API_RE.match(path)) and m[1] in im_pages.THREADS:
            try:
                before = int(query["before"]) if query.get("before") else None
                limit = int(query.get("limit", im_pages.PAGE_SIZE[m[1]]))
            except ValueError:
                return self._json(400, {"ok": False, "error": "before/limit must be integers"})
            if shop._stopping.wait(CHAT_DELAY_S):
                return
            return self._json(200, im_pages.history(m[1], shop.now(), before, limit, shop.chat_anchor))
        if path == "/_admin/version":
            return self._admin(query)
        return self._json(404, {"ok": False, "error": "not found"})

    def _admin(self, query: dict[str, str]) -> None:
        params: dict[str, Any] = dict(query)
        if self.command == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                if "json" in (self.headers.get("Content-Type") or ""):
                    params.update(json.loads(raw or b"{}"))
                else:
                    params.update({k: v[-1] for k, v in parse_qs(raw.decode()).items()})
            except (ValueError, UnicodeDecodeError) as exc:
                return self._json(400, {"ok": False, "error": f"bad body: {exc}"})
        try:
            version = int(params.get("version", ""))
            if "chat" in params:
                self.shop.set_chat_version(str(params["chat"]), version)
                result = {"ok": True, "chat": str(params["chat"]), "version": version}
            else:
                self.shop.set_version(str(params.get("item", "")), version)
                result = {"ok": True, "item": str(params["item"]), "version": version}
        except ValueError as exc:
            return self._json(400, {"ok": False, "error": str(exc)})
        return self._json(200, result)

    def _cookie(self, name: str) -> str | None:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie") or "")
        except CookieError:
            return None
        return jar[name].value if name in jar else None

    def _login(self, query: dict[str, str]) -> None:
        user = query.get("user", "").strip()
        if not user:
            return self._send(200, account.login_form())
        token = self.shop.add_session(user[:40])
        cookie = f"{account.COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax"
        self._send(302, "", headers={"Location": "/whoami", "Set-Cookie": cookie})

    def _im(self, name: str, query: dict[str, str]) -> None:
        """The /im/ chat windows (im_pages.py)."""
        other = im_pages.other_origin(self.headers.get("Host"), self.shop.port)
        pages: dict[str, Callable[[], str]] = {
            "late": lambda: im_pages.late_page(query),
            "window": im_pages.window_page,
            "widget": im_pages.widget_page,
            "shadow": im_pages.shadow_page,
            "frame": lambda: im_pages.frame_page(other + "/im/widget"),
            "frame-hang": lambda: im_pages.frame_page(other + "/im/never"),
        }
        return self._send(200, pages[name]())

    # -- awkward pages ------------------------------------------------------------------

    def _slow(self) -> None:
        """Headers at once, then the body in pieces over about two seconds."""
        self._start_chunked()
        if self.command == "HEAD":
            return
        for i, part in enumerate(misc_pages.slow_parts()):
            if i and self.shop._stopping.wait(SLOW_STEP_S):
                self.close_connection = True
                return
            self._chunk(part.encode("utf-8"))
        self.wfile.write(b"0\r\n\r\n")

    def _never(self) -> None:
        """Nothing at all, not even the status line, until the shop stops (or 10 minutes)."""
        self.close_connection = True
        deadline = time.monotonic() + HANG_LIMIT_S
        while time.monotonic() < deadline and not self.shop._stopping.wait(0.1):
            pass

    def _hang(self) -> None:
        """Head and part of the body, then nothing until the shop stops (or 10 minutes)."""
        self.close_connection = True
        self._start_chunked()
        if self.command == "HEAD":
            return
        self._chunk(misc_pages.hang_head().encode("utf-8"))
        deadline = time.monotonic() + HANG_LIMIT_S
        while time.monotonic() < deadline and not self.shop._stopping.wait(0.1):
            pass
