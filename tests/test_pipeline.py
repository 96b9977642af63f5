"""The capture pipeline: store first, warn later; the time bound; pages that never end.

Each step after navigation is made to fail in turn (real Chromium, the demo shop): the
snapshot is still committed, its warnings name the step, and ``verify`` passes.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agent.batch import AFTER_COMMIT, BEFORE_COMMIT, capture_one
from agent.pipeline import STEPS, Capturer
from agent.settings import load
from agent.watch.notify import Notifier
from agent.watch.scheduler import Watcher
from agent.watch.targets import load_targets
from storage import Store, steplog
from storage.verify import verify
from tests.conftest import ROOT, FakeClock, run_async, run_cli

pytestmark = pytest.mark.browser

FAST = "[capture]\nsettle = 2.0\nquiet_ms = 300\nscroll_delay_ms = 40\n"
CHAT_ONLY = {"chat", "expand chat"}
LISTING_ONLY = {"scroll", "price hints"}
CHECKOUT_ONLY = {"checked boxes"}
KIND_OF = {**dict.fromkeys(CHAT_ONLY, "chat"), **dict.fromkeys(CHECKOUT_ONLY, "checkout")}
URL_OF = {"listing": "/item/1001", "chat": "/chat/s1", "checkout": "/checkout/fair"}


class Injected(RuntimeError):
    """The failure a test puts in place of a step."""


def fast_settings(tmp_path: Path) -> Any:
    cfg = tmp_path / "fast.toml"
    cfg.write_text(FAST, "utf-8")
    return load(cfg, env={})


@pytest.fixture(scope="module")
def injected(shop: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One capture per step with that step failing, all in one browser and one store."""
    tmp = tmp_path_factory.mktemp("inject")
    settings = fast_settings(tmp)
    store_dir = tmp / "store"

    async def run() -> dict[str, Any]:
        out: dict[str, Any] = {}
        with Store(store_dir) as store:
            async with Capturer(settings) as capturer:
                for step in (*STEPS, *BEFORE_COMMIT, *AFTER_COMMIT):
                    kind = KIND_OF.get(step, "listing")
                    url = shop.url + URL_OF[kind]
                    out[step] = await capture_one(capturer, store, url, kind,
                                                  inject={step: Injected(f"injected into {step}")})
        return out

    outcomes = run_async(run())
    return {"outcomes": outcomes, "store": store_dir}


@pytest.mark.parametrize("step", [*STEPS, *BEFORE_COMMIT, *AFTER_COMMIT])
def test_a_failing_step_keeps_the_snapshot_with_a_warning(injected: dict[str, Any], step: str) -> None:
    outcome = injected["outcomes"][step]
    assert outcome.error is None, outcome.error
    assert outcome.snapshot_id, step
    with Store(injected["store"], create=False) as store:
        _, manifest = store.manifest(outcome.snapshot_id)
        assert manifest == outcome.manifest
        names = set(manifest["artifacts"])
        if step in AFTER_COMMIT:
            assert any(f.startswith(step) for f in outcome.after_commit), outcome.after_commit
            logged = [e for e in steplog.read(store.root) if e["snapshot"] == outcome.snapshot_id]
            assert [e["step"] for e in logged] == [step]
            assert "injected" in logged[0]["error"]
            assert {"screenshot", "html", "warc", "record"} <= names
            return
        assert f"{step}: failed (injected into {step})" in manifest["warnings"], manifest["warnings"]
        # what the failing step would have made is missing; everything else is there
        expected = {"screenshot", "html", "text", "warc", "record"}
        expected -= {"screenshot": {"screenshot"}, "text": {"text"}, "warc": {"warc"},
                     "close": {"warc"}}.get(step, set())
        assert expected <= names, (step, names)
        record = json.loads(store.artifact(outcome.snapshot_id, "record"))
        if step not in ("html", "record"):
            assert record.get("title"), (step, record)
        if step == "response":
            assert manifest["status"] is None and manifest["headers"] == {}
        else:
            assert manifest["status"] == 200
            assert manifest["headers"]["content-type"].startswith("text/html")


def test_every_injected_store_still_verifies(injected: dict[str, Any]) -> None:
    with Store(injected["store"], create=False) as store:
        report = verify(store)
        assert report.ok, [str(p) for p in report.problems]
        assert report.snapshots == len(STEPS) + len(BEFORE_COMMIT) + len(AFTER_COMMIT)
        assert sorted(e["step"] for e in report.after_commit) == sorted(AFTER_COMMIT)
    result = run_cli("verify", store=injected["store"])
    assert result.code == 0, result.err
    assert "after-commit" in result.out and "the snapshot is kept" in result.out


def test_a_failed_change_check_is_no_failure_and_no_retry(fresh_shop: Any, tmp_path: Path) -> None:
    """A notification channel that blows up after the commit: the watcher records it in the
    store's after-commit log and schedules the next run as for a success (no duplicate)."""

    class Broken(Notifier):
        def send(self, payload: dict[str, Any]) -> list[str]:
            raise RuntimeError("notification service exploded")

    url = fresh_shop.url + "/item/1001"
    cfg = tmp_path / "w.toml"
    cfg.write_text(FAST + "[watch]\njitter = 0\nhost_gap = 0\nretries = 2\nbackoff = 60\n", "utf-8")

    def on_event(e: dict[str, Any]) -> None:
        if e["event"] == "captured" and e.get("first"):
            fresh_shop.set_version("1001", 2)

    with Store(tmp_path / "s") as store:
        w = Watcher(load(cfg, env={}), store, load_targets([{"url": url, "every": "1h"}], "t"),
                    clock=FakeClock(), notifier=Broken(webhook="http://127.0.0.1:9/x"),
                    on_event=on_event)
        try:
            events = run_async(w.run(max_captures=2))
        finally:
            w.close()
        kinds = [e["event"] for e in events if e["event"] != "start"]
        assert kinds == ["captured", "captured"], events
        assert "change check: notification service exploded" in events[-1]["after_commit_failed"]
        assert len(store.ledger.ids()) == 2
        assert [e["step"] for e in steplog.read(store.root)] == ["change check"]
    shown = run_cli("watch", "--failures", store=tmp_path / "s")
    assert shown.code == 0, shown.err
    assert "change check failed after the commit: notification service exploded" in shown.out


def test_a_page_with_2000_subrequests_is_kept_with_what_the_server_answered(
        shop: Any, tmp_path: Path) -> None:
    cfg = tmp_path / "fast.toml"
    cfg.write_text(FAST, "utf-8")
    result = run_cli("capture", f"{shop.url}/item/many?n=2000", "--json", "--timeout", "40",
                     "--config", str(cfg), store=tmp_path / "s")
    assert result.code == 0, result.err
    [line] = result.json_lines()
    assert line["status"] == 200
    assert line["headers"]["content-type"].startswith("text/html")
    assert line["server"]["ip"] == "127.0.0.1"
    assert {"screenshot", "html", "warc", "record"} <= set(line["artifacts"])
    assert line["record"]["price"]["amount"] == "259.00"
    assert line["duration_s"] <= 40 + 5


@pytest.mark.parametrize("path, timeout", [("/item/hang", 10), ("/item/spin", 10)])
def test_a_page_that_never_ends_ends_within_its_bound(shop: Any, tmp_path: Path, path: str,
                                                      timeout: int) -> None:
    """/item/hang never finishes sending; /item/spin's script never returns (the renderer is
    stuck, nothing can be read from it): both are kept, within timeout + 5 s."""
    result = run_cli("capture", shop.url + path, "--json", "--timeout", str(timeout),
                     store=tmp_path / "s")
    assert result.code == 0, result.err
    [line] = result.json_lines()
    assert line["duration_s"] <= timeout + 5, line["timings"]
    assert {"html", "warc", "record"} <= set(line["artifacts"])
    assert line["record"]["price"]["amount"] in ("899.00", "459.00")
    if path == "/item/spin":
        assert any("kept the document as the server sent it" in w for w in line["warnings"])
        assert any("stopped answering" in w for w in line["warnings"])
    else:
        assert "screenshot" in line["artifacts"]
        assert any(w.startswith("load:") for w in line["warnings"])


def test_a_closed_stdout_ends_quietly(injected: dict[str, Any]) -> None:
    """`jianyipai list | head` : the reader goes away; no error, exit 0."""
    proc = subprocess.Popen([sys.executable, "-m", "agent", "list", "--store", str(injected["store"])],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before it writes a line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert "error" not in err and "Traceback" not in err, err


def test_lone_surrogates_a_script_leaves_in_the_page_do_not_lose_it(tmp_path: Path) -> None:
    page = tmp_path / "odd.html"
    page.write_text("<!doctype html><meta charset=utf-8><title>t</title><h1>商品 ¥12.00</h1><script>"
                    "document.title = '半个\\ud800字'; const p = document.createElement('p');"
                    "p.textContent = '卖家说\\udc00：包邮'; document.body.append(p);</script>", "utf-8")
    result = run_cli("capture", page.as_uri(), "--allow-file", "--json", "--timeout", "15",
                     store=tmp_path / "s")
    assert result.code == 0, result.err
    [line] = result.json_lines()
    assert {"html", "text", "screenshot", "record"} <= set(line["artifacts"])
    with Store(tmp_path / "s", create=False) as store:
        assert "卖家说?：包邮" in store.artifact(line["id"], "text").decode("utf-8")
        assert "<title>半个?字</title>" in store.artifact(line["id"], "html").decode("utf-8")
