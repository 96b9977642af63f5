"""The watcher against the demo shop: real Chromium, a fake clock, a real webhook server."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from agent.demoshop import DemoShop
from agent.settings import load
from agent.watch.notify import Notifier
from agent.watch.scheduler import Watcher
from agent.watch.targets import load_targets
from storage import Store
from storage.watchstate import WatcherBusyError, WatchState
from tests.conftest import FakeClock, closed_port, run_async

pytestmark = pytest.mark.browser


class Hook:
    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        hook = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                data = self.rfile.read(int(self.headers["Content-Length"]))
                hook.bodies.append(json.loads(data))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *a: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hook() -> Iterator[Hook]:
    h = Hook()
    yield h
    h.server.shutdown()
    h.server.server_close()


def settings(tmp_path: Path, **watch: Any) -> Any:
    cfg = tmp_path / "c.toml"
    opts = {"jitter": 0, "host_gap": 0, "retries": 2, "backoff": 60, **watch}
    cfg.write_text("[capture]\nsettle = 3.0\n[watch]\n" + "".join(
        f"{k} = {json.dumps(v)}\n" for k, v in opts.items()), "utf-8")
    return load(cfg, env={})


def run(w: Watcher, **kw: Any) -> list[dict[str, Any]]:
    return run_async(w.run(**kw))


def targets(*pairs: tuple[str, str]) -> Any:
    return load_targets([{"url": u, "every": e} for u, e in pairs], "test")


def test_a_changed_listing_is_diffed_and_the_webhook_gets_it(fresh_shop: DemoShop, tmp_path: Path,
                                                             hook: Hook) -> None:
    url = fresh_shop.url + "/item/1001"

    def on_event(e: dict[str, Any]) -> None:
        if e["event"] == "captured" and e.get("first"):
            fresh_shop.set_version("1001", 2)

    with Store(tmp_path / "s") as store:
        w = Watcher(settings(tmp_path), store, targets((url, "1h")), clock=FakeClock(),
                    notifier=Notifier(webhook=hook.url), on_event=on_event)
        events = run(w, max_captures=2)
        w.close()
        assert len(store.summaries(url)) == 2
    done = [e for e in events if e["event"] == "captured"]
    assert done[0]["first"] and done[1]["changed"] and done[1]["notified"]
    assert done[1]["at"] - done[0]["at"] >= 3600  # an hour of schedule, in seconds of test
    assert len(hook.bodies) == 1
    body = hook.bodies[0]
    assert body["target"]["url"] == url and body["new"]["id"] == done[1]["id"]
    assert body["old"]["id"] == done[0]["id"]
    ch = body["changes"]
    assert {"field": "price", "old": "199.00 CNY", "new": "249.00 CNY"} in ch["fields"]
    assert [p["text"] for p in ch["promises"]["removed"]] == ["假一赔十"]
    assert [(r["old"]["text"], r["new"]["text"]) for r in ch["promises"]["reworded"]] == [
        ("48小时发货", "72小时发货")]
    added = ch["claims"]["added"]
    assert added and "销量第一" in added[0]["text"] and not ch["claims"]["removed"]
    assert all("absolute:第一" in c["flags"] for c in added)


def test_restart_neither_loses_nor_doubles_a_run(shop: DemoShop, tmp_path: Path) -> None:
    url = shop.url + "/item/1003"
    s = settings(tmp_path)
    t0 = 1_800_000_000.0
    with Store(tmp_path / "s") as store:
        for start, expect in ((t0, 1), (t0 + 60, 0), (t0 + 1800, 0), (t0 + 3601, 1), (t0 + 3700, 0)):
            w = Watcher(s, store, targets((url, "1h")), clock=FakeClock(start))
            events = run(w, once=True)
            w.close()
            assert sum(e["event"] == "captured" for e in events) == expect, start
        assert len(store.summaries(url)) == 2


def test_a_target_that_keeps_failing_is_retried_with_backoff_and_recorded(shop: DemoShop,
                                                                          tmp_path: Path) -> None:
    bad = f"http://127.0.0.1:{closed_port()}/item/1"
    good = shop.url + "/item/1003"
    clock = FakeClock()
    t0 = clock.now()
    with Store(tmp_path / "s") as store:
        w = Watcher(settings(tmp_path), store, targets((bad, "1h"), (good, "1h")), clock=clock)
        events = run(w, once=True)
        w.close()
        assert store.summaries(bad) == [] and len(store.summaries(good)) == 1
        failures = WatchState(store.root).failures(bad)
    assert [f["attempt"] for f in failures] == [1, 2, 3]
    assert [f["final"] for f in failures] == [False, False, True]
    assert "connection refused" in failures[0]["error"]
    gaps = [round(b["at"] - a["at"]) for a, b in zip(failures, failures[1:], strict=False)]
    assert gaps == [60, 120] and failures[0]["at"] == t0
    assert not any(e.get("changed") for e in events)


def test_a_captcha_page_is_a_blocked_capture_not_a_change(fresh_shop: DemoShop, tmp_path: Path,
                                                          hook: Hook) -> None:
    url = fresh_shop.url + "/item/1001"
    seen: list[str] = []

    def on_event(e: dict[str, Any]) -> None:
        seen.append(e["event"])
        if e["event"] == "captured" and e.get("first"):
            fresh_shop.set_blocked("/item/1001", "captcha")
        elif e["event"] == "blocked":
            fresh_shop.set_blocked("/item/1001", None)

    with Store(tmp_path / "s") as store:
        w = Watcher(settings(tmp_path), store, targets((url, "1h")), clock=FakeClock(),
                    notifier=Notifier(webhook=hook.url), on_event=on_event)
        events = run(w, max_captures=3)
        w.close()
        ids = [r["id"] for r in store.summaries(url, newest_first=False)]
        assert (store.record(ids[1]) or {})["blocked"]["kind"] == "captcha"
        assert any(m.startswith("blocked: captcha") for m in store.manifest(ids[1])[1]["warnings"])
    assert [e for e in seen if e != "start"] == ["captured", "blocked", "captured"]
    last = events[-1]
    assert last["since"] == ids[0] and last["changed"] is False
    assert hook.bodies == []


def test_one_host_is_hit_with_a_gap_and_a_second_watcher_is_refused(shop: DemoShop,
                                                                    tmp_path: Path) -> None:
    a, b = shop.url + "/item/1001", shop.url + "/item/1003"
    with Store(tmp_path / "s") as store:
        holder = WatchState(store.root)
        holder.lock()
        w = Watcher(settings(tmp_path, concurrency=2, host_gap=30), store,
                    targets((a, "1h"), (b, "1h")), clock=FakeClock())
        with pytest.raises(WatcherBusyError, match="another watcher"):
            run(w, once=True)
        holder.close()
        events = run(w, once=True)
        w.close()
    starts = [e["at"] for e in events if e["event"] == "start"]
    assert len(starts) == 2 and abs(starts[1] - starts[0]) >= 30
