"""Chat pages: load the whole history, then show the whole thread for the screenshot.

(Issue 4 fills these in; until then a chat is captured like any page.)
"""
from __future__ import annotations

from typing import Any

from agent.settings import Settings


async def load_history(page: Any, *, deadline: float, settings: Settings) -> tuple[dict[str, Any], list[str]]:
    """Scroll the thread back to its start or a bound; return (manifest info, warnings)."""
    return {}, []


async def expand_thread(page: Any) -> list[str]:
    """Make the whole thread part of the page's height, for the full-page screenshot."""
    return []
