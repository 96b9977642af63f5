"""Every saved shop page of the corpus, served over HTTP and captured in one `capture` call:
one snapshot each, each within its time bound. The pages point at shop hosts (CDNs,
trackers) that fail at once here, as on a closed network."""
from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from storage import Store
from storage.verify import verify
from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.browser

PAGES = sorted((ROOT / "tests" / "corpus" / "listings").glob("*.html"))
TIMEOUT = 20


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def saved_pages() -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(PAGES[0].parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_every_saved_page_becomes_a_snapshot_within_its_bound(saved_pages: str, tmp_path: Path) -> None:
    assert len(PAGES) >= 30
    cfg = tmp_path / "c.toml"
    cfg.write_text("[capture]\nsettle = 2.0\nquiet_ms = 300\nscroll_delay_ms = 40\n", "utf-8")
    urls = [f"{saved_pages}/{p.name}" for p in PAGES]
    result = run_cli("capture", *urls, "--json", "--timeout", str(TIMEOUT), "--config", str(cfg),
                     store=tmp_path / "s", timeout=1200)
    assert result.code == 0, result.err[-3000:]
    lines = result.json_lines()
    assert [line["target"]["url"] for line in lines] == urls
    for line in lines:
        assert line["status"] == 200, line["target"]
        assert {"screenshot", "html", "text", "warc", "record"} <= set(line["artifacts"]), line["warnings"]
        assert line["duration_s"] <= TIMEOUT + 5, (line["target"], line["timings"])
    with Store(tmp_path / "s", create=False) as store:
        assert verify(store).ok
