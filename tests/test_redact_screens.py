"""--redact on screenshots: the boxes the browser reported are painted over, nothing else."""
from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from storage import Store
from tests.conftest import run_cli

pytestmark = pytest.mark.browser


def _png(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as img:
        return img.convert("RGB")


def _region(img: Image.Image, box: dict, scale: float = 1.0) -> Image.Image:
    return img.crop((int(box["x"] * scale) + 1, int(box["y"] * scale) + 1,
                     int((box["x"] + box["w"]) * scale) - 1, int((box["y"] + box["h"]) * scale) - 1))


def _painted(img: Image.Image) -> bool:
    lo, hi = zip(*img.getextrema(), strict=True)
    return max(hi) - min(lo) < 8 and max(hi) < 60  # one dark fill, no glyphs left


@pytest.fixture(scope="module")
def order(shop, tmp_path_factory):
    store = tmp_path_factory.mktemp("screens") / "store"
    result = run_cli("capture", f"{shop.url}/order/2391", "--kind", "page", "--json", store=store)
    assert result.code == 0, result.err
    chat = run_cli("capture", f"{shop.url}/chat/s1", "--kind", "chat", "--json", store=store)
    assert chat.code == 0, chat.err
    ids = [line["id"] for line in result.json_lines() + chat.json_lines()]
    with Store(store) as s:
        layouts = {sid: json.loads(s.artifact(sid, "layout")) for sid in ids}
        shots = {sid: s.artifact(sid, "screenshot") for sid in ids}
    return store, ids, layouts, shots


def test_capture_records_where_personal_data_is_drawn(order) -> None:
    _, (page_id, chat_id), layouts, shots = order
    kinds = sorted(b["kind"] for b in layouts[page_id]["pii_boxes"])
    assert kinds == ["address", "email", "id", "phone"]  # the name is not a pattern
    # the boxes cover glyphs: the original pixels there are not one flat colour
    img = _png(shots[page_id])
    for box in layouts[page_id]["pii_boxes"]:
        assert not _painted(_region(img, box)) and len(_region(img, box).getcolors(1 << 20)) > 4
    chat_boxes = layouts[chat_id]["pii_boxes"]
    assert [b["kind"] for b in chat_boxes] == ["phone"]  # 138-1234-5678 in a seller's message
    assert chat_boxes[0]["y"] > 1000  # page coordinates of the expanded thread, not the viewport


def test_redacted_bundle_paints_the_boxes_and_keeps_the_rest(order, tmp_path: Path) -> None:
    store, ids, layouts, shots = order
    bundle = tmp_path / "r.wacz"
    result = run_cli("export", *ids, "--redact", "-o", str(bundle), store=store)
    assert result.code == 0, result.err
    with zipfile.ZipFile(bundle) as zf:
        package = json.loads(zf.read("datapackage.json"))
        masked = {sid: zf.read(f"screenshots/{sid}.png") for sid in ids}
    derived = {(d["derived_from"]["snapshot"], d["derived_from"]["artifact"]): d for d in package["derived"]}
    for sid in ids:
        before, after = _png(shots[sid]), _png(masked[sid])
        assert before.size == after.size
        boxes = layouts[sid]["pii_boxes"]
        for box in boxes:
            assert _painted(_region(after, box)), box
        # outside the boxes nothing changed: the difference's bounding box is within them
        diff = ImageChops.difference(before, after).getbbox()
        assert diff is not None
        pad = 3
        assert diff[0] >= min(b["x"] for b in boxes) - pad and diff[2] <= max(b["x"] + b["w"] for b in boxes) + pad
        assert diff[1] >= min(b["y"] for b in boxes) - pad and diff[3] <= max(b["y"] + b["h"] for b in boxes) + pad
        note = derived[(sid, "screenshot")]
        assert note["derived_from"]["sha256"] == hashlib.sha256(shots[sid]).hexdigest()
        assert note["masked_boxes"] == len(boxes) and note["redacted"] is True


def test_redacted_report_shows_the_masked_screenshot(order, tmp_path: Path) -> None:
    store, (page_id, _), layouts, shots = order
    html = tmp_path / "r.html"
    result = run_cli("report", page_id, "--redact", "-o", str(html), store=store)
    assert result.code == 0, result.err
    page = html.read_text("utf-8")
    shown = _png(base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", page)[1]))
    phone = next(b for b in layouts[page_id]["pii_boxes"] if b["kind"] == "phone")
    assert _painted(_region(shown, phone))
    assert hashlib.sha256(shots[page_id]).hexdigest() in page  # which original it derives from

    pdf = tmp_path / "r.pdf"
    result = run_cli("report", page_id, "--redact", "-o", str(pdf), store=store)
    assert result.code == 0, result.err
    subprocess.run(["pdfimages", "-png", str(pdf), str(tmp_path / "img")], check=True)
    images = [_png(p.read_bytes()) for p in sorted(tmp_path.glob("img-*.png"))]
    original = _png(shots[page_id])
    shot = next(i for i in images if i.size == original.size)  # embedded at full resolution
    assert _painted(_region(shot, phone)) and not _painted(_region(original, phone))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "13812345678" not in re.sub(r"\s+", "", text)


def test_snapshot_without_boxes_keeps_its_screenshot_out(order, tmp_path: Path) -> None:
    """An older snapshot (no pii_boxes in its layout) is handed over as before: no screenshot."""
    store, (page_id, _), _, shots = order
    with Store(store) as s:
        manifest = json.loads(s.blobs.get(page_id))
        arts = {n: s.artifact(page_id, n) for n in ("screenshot", "html", "text", "record", "warc")}
        manifest.pop("artifacts"), manifest.pop("prev"), manifest.pop("signer")
        from storage import Artifact

        old_id, _ = s.commit(manifest, [Artifact(n, d, "application/octet-stream") for n, d in arts.items()])
    html = tmp_path / "old.html"
    assert run_cli("report", old_id, "--redact", "-o", str(html), store=store).code == 0
    page = html.read_text("utf-8")
    assert "data:image/png" not in page and "withheld" in page
    bundle = tmp_path / "old.wacz"
    assert run_cli("export", old_id, "--redact", "-o", str(bundle), store=store).code == 0
    with zipfile.ZipFile(bundle) as zf:
        assert not [n for n in zf.namelist() if n.startswith("screenshots/")]
        notes = json.loads(zf.read("datapackage.json"))["derived"]
    assert any(d["derived_from"]["artifact"] == "screenshot" and "withheld" in d for d in notes)
