"""Signed-in browser sessions: Playwright storage states kept in the store, owner-only.

Chats with sellers need the user's own login. ``jianyipai login URL`` opens a browser
window for the user to sign in and saves its storage state (cookies and local storage);
``jianyipai login --import FILE`` takes one exported elsewhere (a Playwright storage state,
or a JSON list of cookies as browser cookie-export extensions write). Captures then use
it with ``--session NAME``.

Sessions are secrets, not evidence::

    STORE/sessions/          0700
    STORE/sessions/NAME.json 0600, written atomically

They are never blobs, never part of a snapshot, an artifact or an export; a manifest
records only the session's name, and the WARC of a capture keeps no Cookie, Set-Cookie or
Authorization values (see ``agent/warc.py``).
"""
from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.errors import JianyipaiError, UsageError

FOLDER = "sessions"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_BYTES = 16 * 1024 * 1024
_SAME_SITE = {"strict": "Strict", "lax": "Lax", "none": "None", "no_restriction": "None",
              "unspecified": "Lax"}


class SessionError(JianyipaiError):
    """Raised by agent.capture.sessions for a missing, unreadable or invalid session."""

    exit_code = 2


@dataclass(frozen=True)
class Session:
    name: str
    state: dict[str, Any]

    def __repr__(self) -> str:  # never print the cookies by accident
        return f"Session({self.name!r}, {len(self.state.get('cookies', []))} cookies)"


def check_name(name: str) -> str:
    if not NAME_RE.match(name or ""):
        raise UsageError(f"bad session name {name!r}: use letters, digits, '.', '_' or '-' "
                         "(at most 64, not starting with a dot)")
    return name


def folder(store_root: Path) -> Path:
    return Path(store_root) / FOLDER


def path_of(store_root: Path, name: str) -> Path:
    return folder(store_root) / f"{check_name(name)}.json"


def _cookie(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise SessionError(f"{where}: a cookie must be a JSON object")
    for key in ("name", "value"):
        if not isinstance(raw.get(key), str):
            raise SessionError(f"{where}: a cookie needs a string {key!r}")
    domain = raw.get("domain")
    if not isinstance(domain, str) or not domain.strip("."):
        raise SessionError(f"{where}: cookie {raw['name']!r} needs a domain")
    cookie: dict[str, Any] = {"name": raw["name"], "value": raw["value"], "domain": domain,
                              "path": raw.get("path") if isinstance(raw.get("path"), str) else "/"}
    expires = raw.get("expires", raw.get("expirationDate", -1))
    if raw.get("session") is True:
        expires = -1
    if isinstance(expires, bool) or not isinstance(expires, int | float):
        raise SessionError(f"{where}: cookie {raw['name']!r} has a bad expiry")
    cookie["expires"] = float(expires) if expires != -1 else -1
    for key, name in (("httpOnly", "httpOnly"), ("secure", "secure")):
        value = raw.get(key, False)
        if not isinstance(value, bool):
            raise SessionError(f"{where}: cookie {raw['name']!r}: {name} must be true or false")
        cookie[key] = value
    same = raw.get("sameSite", "Lax")
    mapped = _SAME_SITE.get(str(same).lower()) if same is not None else "Lax"
    if mapped is None:
        raise SessionError(f"{where}: cookie {raw['name']!r}: sameSite must be Strict, Lax or None")
    cookie["sameSite"] = mapped
    return cookie


def validate(data: Any, where: str = "storage state") -> dict[str, Any]:
    """A clean Playwright storage state from a storage state or a list of cookies.

    Raises :class:`SessionError` naming what is wrong. Never echoes cookie values.
    """
    if isinstance(data, list):  # cookie-export extensions write a bare list
        data = {"cookies": data, "origins": []}
    if not isinstance(data, dict):
        raise SessionError(f"{where}: not a storage state (expected a JSON object with "
                           "'cookies' and 'origins', or a list of cookies)")
    unknown = set(data) - {"cookies", "origins"}
    if unknown:
        raise SessionError(f"{where}: unknown key(s) {sorted(unknown)}; a storage state has "
                           "'cookies' and 'origins'")
    cookies = data.get("cookies", [])
    origins = data.get("origins", [])
    if not isinstance(cookies, list) or not isinstance(origins, list):
        raise SessionError(f"{where}: 'cookies' and 'origins' must be lists")
    clean_origins = []
    for n, origin in enumerate(origins):
        if not isinstance(origin, dict) or not isinstance(origin.get("origin"), str) or \
                not re.match(r"^https?://", origin["origin"]):
            raise SessionError(f"{where}: origins[{n}] needs an http(s) 'origin'")
        items = origin.get("localStorage", [])
        if not isinstance(items, list) or not all(
                isinstance(i, dict) and isinstance(i.get("name"), str) and isinstance(i.get("value"), str)
                for i in items):
            raise SessionError(f"{where}: origins[{n}].localStorage must be a list of "
                               "{name, value} strings")
        clean_origins.append({"origin": origin["origin"],
                              "localStorage": [{"name": i["name"], "value": i["value"]} for i in items]})
    clean = [_cookie(c, f"{where}: cookies[{n}]") for n, c in enumerate(cookies)]
    if not clean and not any(o["localStorage"] for o in clean_origins):
        raise SessionError(f"{where}: holds no cookies and no local storage: nothing to sign in with")
    return {"cookies": clean, "origins": clean_origins}


def read_state_file(path: Path) -> dict[str, Any]:
    """Read and validate a storage-state (or cookie list) JSON file."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SessionError(f"{path}: too large for a storage state")
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise SessionError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SessionError(f"{path}: is a folder, not a storage-state file") from None
    except OSError as exc:
        raise SessionError(f"{path}: cannot read: {exc.strerror}") from None
    except (UnicodeDecodeError, ValueError):
        raise SessionError(f"{path}: not JSON (a storage state is the JSON that Playwright's "
                           "storage_state() writes)") from None
    return validate(data, str(path))


def save(store_root: Path, name: str, state: dict[str, Any]) -> Path:
    """Write a validated state as STORE/sessions/NAME.json (folder 0700, file 0600)."""
    state = validate(state, f"session {name}")
    target = path_of(store_root, name)
    base = target.parent
    base.mkdir(mode=0o700, exist_ok=True)
    os.chmod(base, 0o700)
    tmp = base / f".{name}.{os.getpid()}.tmp"
    data = json.dumps(state, ensure_ascii=False, indent=1).encode("utf-8")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)
    return target


def load(store_root: Path, name: str) -> Session:
    """The session NAME of a store; refuses files others can read."""
    path = path_of(store_root, name)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        known = ", ".join(names(store_root)) or "none"
        raise SessionError(f"no session {name!r} in {folder(store_root)} (sessions: {known}); "
                           "make one with `jianyipai login`") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SessionError(f"{path} can be read by other users; run `chmod 600 {path}` "
                           "(sessions hold your login)")
    return Session(name, read_state_file(path))


def names(store_root: Path) -> list[str]:
    base = folder(store_root)
    if not base.is_dir():
        return []
    return sorted(p.stem for p in base.glob("*.json") if NAME_RE.match(p.stem))


def remove(store_root: Path, name: str) -> bool:
    path = path_of(store_root, name)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def summary(session: Session) -> dict[str, Any]:
    """What may be shown about a session: its name, cookie domains and counts. No values."""
    domains = sorted({c["domain"].lstrip(".") for c in session.state["cookies"]})
    return {"name": session.name, "cookies": len(session.state["cookies"]), "domains": domains,
            "origins": [o["origin"] for o in session.state["origins"]]}
