"""`jianyipai extract` through the real CLI, and capture keeping the same record."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage import Store
from tests.conftest import assert_one_line_error, run_cli

CORPUS = Path(__file__).parent / "corpus" / "listings"


def test_one_line_per_file_in_input_order_errors_included(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    files = [CORPUS / "jd_item.html", empty, tmp_path / "missing.html", binary, CORPUS / "gbk_page.html"]
    result = run_cli("extract", *map(str, files), "--json")
    assert result.code == 1
    lines = result.json_lines()
    assert [line["file"] for line in lines] == list(map(str, files))
    assert [("error" in line) for line in lines] == [False, True, True, True, False]
    assert "Traceback" not in result.err
    assert len([e for e in result.err.splitlines() if e.startswith("jianyipai: error:")]) == 3
    gbk_expected = json.loads((CORPUS / "gbk_page.expected.json").read_text("utf-8"))
    assert lines[4]["title"] == gbk_expected["title"]
    assert lines[4]["encoding"] in ("gb18030", "gbk")


def test_all_good_files_exit_zero_and_human_output_reads_well() -> None:
    result = run_cli("extract", str(CORPUS / "demo_listing.html"))
    assert result.code == 0, result.err
    assert "price      79.00 CNY" in result.out
    assert "promise    ship_within: 48小时发货" in result.out
    assert "claim      absolute:第一" in result.out


def test_nothing_but_bad_files_is_a_one_line_error(tmp_path: Path) -> None:
    result = run_cli("extract", str(tmp_path / "nope.html"))
    assert_one_line_error(result)


@pytest.mark.browser
def test_capture_keeps_the_record_that_extract_gives_for_its_html(shop, tmp_path: Path) -> None:
    store = tmp_path / "store"
    captured = run_cli("capture", f"{shop.url}/item/1001", "--json", store=store)
    assert captured.code == 0, captured.err
    [line] = captured.json_lines()
    record = line["record"]
    assert record["price"] == {"amount": "199.00", "currency": "CNY"}
    assert record["original_price"] == {"amount": "299.00", "currency": "CNY"}
    codes = {p["code"] for p in record["promises"]}
    assert {"return_no_reason", "counterfeit_compensation", "ship_within", "shipping_insurance"} <= codes
    assert any("absolute:国家级" in c["flags"] for c in record["claims"])
    assert record["sources"]["price"] == "hints"  # the browser's font sizes chose it
    with Store(store, create=False) as s:
        stored = json.loads(s.artifact(line["id"], "record"))
        html = tmp_path / "page.html"
        html.write_bytes(s.artifact(line["id"], "html"))
        layout = json.loads(s.artifact(line["id"], "layout"))
    assert stored == record
    assert any(h["text"].endswith("199.00") for h in layout["price_hints"])
    offline = run_cli("extract", str(html), "--url", line["final_url"], "--json").json_lines()[0]
    for key in ("title", "price", "original_price", "seller", "sku", "availability", "promises", "claims"):
        assert offline[key] == record[key], key
