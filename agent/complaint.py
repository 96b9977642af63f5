"""Complaint materials for one snapshot, written side by side: the PDF (or HTML) with the
complaint first and the evidence report as its annex, the 12315 form text (``.txt``) and the
WACZ bundle to attach (``.wacz``). ``report --complaint`` and the viewer's 投诉材料 button
both come here, so there is one builder (``storage.evidence.complaint``).

The ``.txt`` is UTF-8 with a byte-order mark and CRLF line ends: Notepad before Windows 10
1903 reads a file without a BOM as the ANSI code page (GBK on Chinese Windows), garbling
every character, and before 1809 shows LF-only text as one line; with both, every Notepad,
TextEdit and browser opens it right, and copying a field's text never copies the BOM.

The bundle is written rather than named as a command: the people this is for do not open
a terminal. If it cannot be written the complaint still is, naming the command instead.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.settings import open_store
from storage import Store, StoreError
from storage.evidence.complaint import build, form_text, gather_change
from storage.evidence.report import ReportInput, gather, render


def siblings(out: Path) -> tuple[Path, Path]:
    """The form text and the bundle written beside ``out``."""
    return out.with_suffix(".txt"), out.with_suffix(".wacz")


def write_complaint(settings: Any, store: Store, data: ReportInput, out: Path, *,
                    mask: Callable[[str], str] | None = None,
                    transform: Any = None) -> dict[str, Any]:
    """Write ``out`` (.pdf or .html), its ``.txt`` and ``.wacz``; overwrites them."""
    from agent import __version__
    from agent.capture.pdf import to_pdf
    from storage.warc.wacz import export

    txt, wacz = siblings(out)
    change = gather_change(store, data)
    ids = [data.snapshot_id, *([change["old"]["id"]] if change else [])]
    warnings = []
    try:
        export(store, ids, wacz, software=f"jianyipai {__version__}", transform=transform)
    except (StoreError, OSError) as exc:
        warnings.append(f"WACZ bundle not written ({exc}); the complaint names the export command")
    complaint = build(data, change, bundle=None if warnings else wacz.name)
    html = render(data, complaint=complaint, mask=mask)
    if out.suffix.lower() == ".pdf":
        to_pdf(html, str(out), settings)
    else:
        out.write_text(html, "utf-8")
    txt.write_bytes(("\ufeff" + form_text(complaint, mask).replace("\n", "\r\n")).encode("utf-8"))
    return {"out": str(out), "txt": str(txt), "wacz": None if complaint.bundle is None else str(wacz),
            "facts": complaint.found, "snapshot": data.snapshot_id, "warnings": warnings}


def make_complaint(settings: Any, store_dir: str | Path, snapshot_ref: str,
                   out_dir: str | Path) -> dict[str, Any]:
    """``<out_dir>/complaint-<id12>.pdf``, ``.txt`` and ``.wacz`` for a snapshot (an id
    prefix, or a URL: its newest snapshot). Returns ``{"pdf", "txt", "wacz", "facts",
    "snapshot", "warnings"}``; ``facts`` counts the problems and promises found."""
    store = open_store(settings, store_dir, create=False)
    try:
        data = gather(store, snapshot_ref)
        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        result = write_complaint(settings, store, data, folder / f"complaint-{data.snapshot_id[:12]}.pdf")
    finally:
        store.close()
    return {"pdf": result.pop("out"), **result}
