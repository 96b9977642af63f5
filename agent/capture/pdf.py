"""Printing an HTML report to PDF with the same Chromium the captures use."""
from __future__ import annotations

import asyncio
from typing import Any

from agent.capture.browser import Chromium


def to_pdf(html: str, out: str, settings: Any) -> None:
    asyncio.run(_pdf(html, out, settings))


async def _pdf(html: str, out: str, settings: Any) -> None:
    async with Chromium(settings, headless=True) as browser:
        page = await browser.new_page()
        await page.set_content(html, wait_until="load")
        await page.pdf(path=out, format="A4", print_background=True,
                       margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"})
