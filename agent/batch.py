"""Capturing several URLs in one browser and committing each as a snapshot."""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from agent.capture import Capturer
from agent.errors import JianyipaiError, first_line
from agent.sessions import Session
from agent.settings import Settings
from storage import Store, StoreError


@dataclass
class Outcome:
    url: str
    snapshot_id: str | None = None
    manifest: dict[str, Any] | None = None
    record: dict[str, Any] | None = None
    error: str | None = None


async def capture_all(settings: Settings, store: Store, urls: Iterable[str], kind: str,
                      on_start: Callable[[str], None] | None = None,
                      on_done: Callable[[Outcome], None] | None = None,
                      session: Session | None = None) -> list[Outcome]:
    """Capture each URL in turn; one failure is recorded and the rest go on.

    ``session``: a signed-in state (``jianyipai login``) every capture starts with.
    """
    outcomes: list[Outcome] = []
    async with Capturer(settings) as capturer:
        for url in urls:
            if on_start:
                on_start(url)
            outcome = Outcome(url)
            try:
                cap = await capturer.capture(url, kind, session=session,
                                             payload_origin=store.payload_origin)
                outcome.snapshot_id, outcome.manifest = store.commit(cap.manifest, cap.artifacts)
                outcome.record = cap.record
            except (JianyipaiError, StoreError) as exc:
                outcome.error = str(exc)
            except Exception as exc:  # a browser crash on one page must not end the batch
                outcome.error = f"unexpected failure: {first_line(exc)}"
            outcomes.append(outcome)
            if on_done:
                on_done(outcome)
    return outcomes


def run_capture(settings: Settings, store: Store, urls: list[str], kind: str, **hooks: Any) -> list[Outcome]:
    return asyncio.run(capture_all(settings, store, urls, kind, **hooks))
