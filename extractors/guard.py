"""Run one extraction strategy so that its failure is a warning, not a lost record.

The extractors fix the bugs they know of; this is the net under the ones they don't. A
strategy that raises gives its ``default`` and a warning naming the strategy and the
error, and the other strategies' fields stay in the record.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urljoin

T = TypeVar("T")


def describe(exc: BaseException) -> str:
    """``ValueError: message`` on one line, at most 200 characters."""
    message = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def guarded(strategy: str, warnings: list[str], default: T, run: Callable[[], T]) -> T:
    """``run()``, or ``default`` with ``"<strategy> failed (<error>)"`` in ``warnings``."""
    try:
        return run()
    except Exception as exc:  # the net: any bug in one strategy, never the whole record
        warnings.append(f"{strategy} failed ({describe(exc)}); its fields are missing")
        return default


def join_url(base: str | None, link: str) -> str:
    """``urljoin`` that keeps ``link`` as it is when either address is malformed."""
    if not base:
        return link
    try:
        return urljoin(base, link)
    except ValueError:  # an invalid IPv6 host, say
        return link
