"""Write-once files: every file the store keeps is written this way."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_once(path: Path, data: bytes, mode: int = 0o444, *, tmp_dir: Path | None = None) -> bool:
    """Write ``data`` to ``path`` atomically unless it exists; True when written now.

    The bytes go to a temporary file first (in ``tmp_dir``, on the same file system), are
    fsynced, then hard-linked into place: a link never replaces an existing file, so two
    writers racing cannot overwrite each other, and a crash leaves no half file at ``path``.
    """
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=tmp_dir or path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
    finally:
        os.unlink(tmp)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return True
