"""Demo-shop pages for issue 14 (transaction anomalies): see answer()."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .server import DemoShop

Answer = tuple[int, "bytes | str", str, dict[str, str]]  # status, body, content type, headers


def answer(shop: DemoShop, host: str, path: str, query: dict[str, str]) -> Answer | None:
    """This module's page for path (on host, the Host header without its port), or None."""
    return None
