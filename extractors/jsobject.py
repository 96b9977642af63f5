"""Locate and parse the JSON state that shops assign in ``<script>`` elements.

``window.__INITIAL_STATE__ = {...}``, ``var g_config = {...}``, ``window.rawData = {...};``,
``x = JSON.parse("...")`` and ``<script type="application/json" id="__NEXT_DATA__">`` are
found; the object is parsed with :mod:`json` (``raw_decode`` from its first brace). When
strict JSON fails, a balanced-brace scan plus a light JS-to-JSON rewrite (unquoted keys,
single quotes, trailing commas, ``undefined``) is tried.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

# An assignment of state: ``[var|let|const] NAME = [other ||] {`` (or ``[`` or
# ``JSON.parse(``), NAME after the start, ``;``, ``,``, ``(`` or whitespace. Found from its
# ``=`` (a literal: the regex engine jumps between them) back to the name, not by a regex
# that tries the name at every character of a megabyte of script.
_NAME = re.compile(r"(?:window|self|globalThis)?\.?[A-Za-z_$][\w$]*"
                   r"(?:\.[A-Za-z_$][\w$]*|\[['\"][\w$]+['\"]\])*")
# (``{}`` and ``[]`` are skipped: an empty value is never kept, and the assignment ends
# before anything a later one could start with.)
_VALUE = re.compile(r"=\s*(?:[A-Za-z_$][\w$.]*\s*\|\|\s*)?"  # var sn = sn || {...}
                    r"(JSON\.parse\(|[{\[](?!\s*[}\]]))")
_NAME_PUNCT = frozenset("_$.[]'\"")
_BEFORE_NAME = frozenset(";,(")
_DECODER = json.JSONDecoder()
MAX_SCRIPT = 8_000_000
#: Characters the slow (pure Python) brace scan may read per page, on top of once over
#: every script: an unclosed brace early in a big bundle must not make every later
#: assignment scan to its end.
SCAN_BUDGET = 2_000_000
# What json raises on input it cannot take: bad syntax, or nesting deeper than the stack.
_JSON_ERRORS = (ValueError, TypeError, RecursionError)


_OUTSIDE = re.compile(r"[\"'`{}\[\]]")  # what the brace scan stops at outside strings
_INSIDE = {q: re.compile(r"\\.|" + q, re.S) for q in "\"'`"}  # an escape, or the end


def _balanced(text: str, start: int, budget: list[int] | None = None) -> str | None:
    """The ``{...}``/``[...]`` starting at ``start``, respecting JS strings; None if open.

    ``budget`` (one mutable count) bounds the characters read across calls. The scan
    jumps (in C) from one quote or bracket to the next.
    """
    depth = 0
    i = start
    n = len(text) if budget is None else min(len(text), start + max(budget[0], 0))
    if budget is not None:
        budget[0] -= n - start
    while True:
        m = _OUTSIDE.search(text, i, n)
        if m is None:
            return None
        ch = m.group()
        i = m.end()
        if ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return text[start:i]
        else:  # a string: to its closing quote, escapes skipped
            inside = _INSIDE[ch]
            while True:
                q = inside.search(text, i, n)
                if q is None:
                    return None
                i = q.end()
                if q.group() == ch:
                    break


_JS_TOKENS = re.compile(
    r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|"
    r"(?P<key>[{,]\s*)(?P<name>[A-Za-z_$][\w$]*)(?P<colon>\s*:)|"
    r"(?P<trail>,)(?=\s*[}\]])|(?P<undef>\bundefined\b|!0|!1)"
)


def js_to_json(js: str) -> str:
    """Rewrite a JS object literal into JSON (best effort)."""
    def repl(m: re.Match[str]) -> str:
        tok = m.group(0)
        if m.group("key") is not None:
            return f'{m.group("key")}"{m.group("name")}"{m.group("colon")}'
        if m.group("trail"):
            return ""
        if m.group("undef"):
            return {"undefined": "null", "!0": "true", "!1": "false"}[tok]
        if tok.startswith("'"):
            body = tok[1:-1].replace('\\"', '"').replace("\\'", "'").replace('"', '\\"')
            return f'"{body}"'
        return tok
    return _JS_TOKENS.sub(repl, js)


def _parse_at(text: str, start: int, budget: list[int] | None = None) -> Any:
    try:
        return _DECODER.raw_decode(text, start)[0]
    except _JSON_ERRORS:
        pass
    chunk = _balanced(text, start, budget)
    if chunk is None:
        return None
    try:
        return json.loads(js_to_json(chunk))
    except _JSON_ERRORS:
        return None


def _json_parse_call(text: str, start: int) -> Any:
    """``JSON.parse("...")``: decode the string literal, then the JSON in it."""
    m = re.match(r"\s*(['\"])", text[start:start + 10])
    if not m:
        return None
    literal = _balanced_string(text, start + m.start(1))
    if literal is None:
        return None
    try:
        inner = json.loads(literal if literal[0] == '"' else js_to_json(literal))
        return json.loads(inner)
    except _JSON_ERRORS:
        return None


_STRING = {'"': re.compile(r'"(?:[^"\\]|\\.)*"', re.S),
           "'": re.compile(r"'(?:[^'\\]|\\.)*'", re.S)}


def _balanced_string(text: str, start: int) -> str | None:
    """The quoted literal starting at ``start`` (escapes respected); None if unclosed."""
    m = _STRING[text[start]].match(text, start)
    return m.group(0) if m else None


def _root_name(target: str) -> str:
    if "[" in target:
        target = re.sub(r"\[['\"]([\w$]+)['\"]\]", r".\1", target)
    return target.rsplit(".", 1)[-1]


def _assignments(body: str) -> Iterator[tuple[str, str, int]]:
    """``(NAME, "{" | "[" | "JSON.parse(", end)`` of each assignment, in order, none
    overlapping the one before (as a left-to-right regex scan would find them)."""
    taken = 0  # where the last assignment found ends
    for m in _VALUE.finditer(body):
        end = m.start()
        while end > taken and body[end - 1].isspace():
            end -= 1
        start = end
        while start > taken and (body[start - 1].isalnum() or body[start - 1] in _NAME_PUNCT):
            start -= 1
        if start == end or not _NAME.fullmatch(body, start, end):
            continue
        if start > taken:
            before = body[start - 1]
            if not (before.isspace() or before in _BEFORE_NAME):
                continue
        elif start > 0 or taken > 0:  # at ``taken``: the name has no start of its own
            continue
        taken = m.end()
        yield body[start:end], m.group(1), m.end()


def script_objects(scripts: list[tuple[dict[str, str], str]]) -> dict[str, Any]:
    """Parse every JSON state object in ``(attributes, script text)`` pairs, by root name."""
    found: dict[str, Any] = {}
    budget = [SCAN_BUDGET + sum(len(body) for _, body in scripts)]
    for n, (attrs, body) in enumerate(scripts):
        if len(body) > MAX_SCRIPT:
            continue
        kind = (attrs.get("type") or "").lower()
        if "json" in kind and "ld+json" not in kind:
            try:
                found[attrs.get("id") or f"json{n}"] = json.loads(body)
            except _JSON_ERRORS:
                pass
            continue
        if kind and "javascript" not in kind and "ecmascript" not in kind:
            continue
        for target, opening, end in _assignments(body):
            name = _root_name(target)
            if name in found:
                continue
            if opening.startswith("JSON"):
                value = _json_parse_call(body, end)
            else:
                value = _parse_at(body, end - 1, budget)
            if isinstance(value, dict | list) and value:
                found[name] = value
    return found


def get_path(root: dict[str, Any], path: str) -> Any:
    """``rawData.store.goods.0.price`` from the parsed objects; None when absent."""
    value: Any = root
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.lstrip("-").isdigit():
            idx = int(part)
            value = value[idx] if -len(value) <= idx < len(value) else None
        else:
            return None
        if value is None:
            return None
    return value
