"""diff, history and watch through the real command line."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.demoshop import DemoShop
from tests.conftest import ROOT, assert_one_line_error, run_cli

pytestmark = pytest.mark.browser


def test_diff_and_history_of_the_changed_listing(fresh_shop: DemoShop, tmp_path: Path) -> None:
    store = tmp_path / "s"
    url = fresh_shop.url + "/item/1001"
    assert run_cli("capture", url, store=store).code == 0
    fresh_shop.set_version("1001", 2)
    assert run_cli("capture", url, store=store).code == 0
    res = run_cli("diff", url, "--json", "--image", str(tmp_path / "d.png"), store=store)
    assert res.code == 0, res.err
    (d,) = res.json_lines()
    assert {"field": "price", "old": "199.00 CNY", "new": "249.00 CNY"} in d["fields"]
    assert [p["text"] for p in d["promises"]["removed"]] == ["假一赔十"]
    assert d["promises"]["reworded"][0]["new"]["text"] == "72小时发货"
    assert d["claims"]["added"] and d["image"]["boxes"] > 0
    assert (tmp_path / "d.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = run_cli("diff", d["old"]["id"][:10], d["new"]["id"][:10], store=store)
    assert "price: 199.00 CNY → 249.00 CNY" in text.out
    assert "promise reworded: ship_within: 48小时发货 → 72小时发货" in text.out
    hist = run_cli("history", url, "--json", store=store).json_lines()
    assert [h["amount"] for h in hist] == ["199.00", "249.00"]
    assert "price" in hist[1]["changed"] and "promises.removed" in hist[1]["changed"]
    assert_one_line_error(run_cli("diff", fresh_shop.url + "/item/none", store=store))
    assert_one_line_error(run_cli("diff", "abcd", store=store))


def config(tmp_path: Path, url: str, every: str = "1h", **watch: object) -> Path:
    cfg = tmp_path / "w.toml"
    opts = {"jitter": 0, "host_gap": 0, "retries": 1, "backoff": 0.1, **watch}
    cfg.write_text("[capture]\nsettle = 3.0\n[watch]\n" + "".join(f"{k} = {v}\n" for k, v in opts.items())
                   + f'[[targets]]\nurl = "{url}"\nevery = "{every}"\n', "utf-8")
    return cfg


def test_watch_once_then_a_second_watcher_is_refused_and_sigterm_exits_0(shop: DemoShop,
                                                                         tmp_path: Path) -> None:
    store = tmp_path / "s"
    cfg = config(tmp_path, shop.url + "/item/1003")
    once = run_cli("watch", "--once", "--json", "--config", str(cfg), store=store)
    assert once.code == 0, once.err
    assert [e["event"] for e in once.json_lines()] == ["start", "captured"]
    assert "watch: ok" in once.err
    again = run_cli("watch", "--once", "--json", "--config", str(cfg), store=store)
    assert again.code == 0 and again.json_lines() == []  # not due: nothing doubled

    cfg2 = config(tmp_path, shop.url + "/item/1001", every="2s")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "agent", "watch", "--config", str(cfg2), "--store",
                             str(store)], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in proc.stderr:  # type: ignore[union-attr]
            lines.append(line)
            if line.startswith("watch: ok"):
                break
        second = run_cli("watch", "--once", "--config", str(cfg), store=store)
        assert_one_line_error(second)
        assert "another watcher" in second.err
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=60)[1]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, rest
    assert "Traceback" not in rest and "watch: stopped" in rest
    assert run_cli("verify", store=store).code == 0


def test_watch_needs_targets_and_a_failing_target_exits_1(tmp_path: Path) -> None:
    res = run_cli("watch", "--once", store=tmp_path / "s")
    assert_one_line_error(res)
    assert "no [[targets]]" in res.err
    cfg = config(tmp_path, "http://127.0.0.1:9/item/1")
    bad = run_cli("watch", "--once", "--config", str(cfg), store=tmp_path / "s")
    assert bad.code == 1 and "failed" in bad.err
    failures = run_cli("watch", "--failures", "--json", "--config", str(cfg), store=tmp_path / "s")
    assert [f["attempt"] for f in failures.json_lines()] == [1, 2]
