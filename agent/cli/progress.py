"""Progress of a batch on stderr: a bar on a terminal, plain lines otherwise."""
from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.started = 0
        self.done = 0
        self.failed = 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()

    def _bar(self, label: str) -> None:
        width = 24
        filled = int(width * self.done / max(1, self.total))
        line = f"[{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total} {label}"
        self.stream.write("\r\x1b[2K" + line[:120])
        self.stream.flush()

    def start(self, url: str) -> None:
        self.started += 1
        if self.tty:
            self._bar(f"capturing {url}")
        else:
            print(f"[{self.started}/{self.total}] capturing {url}", file=self.stream, flush=True)

    def finish(self, url: str, message: str, ok: bool = True) -> None:
        self.done += 1
        self.failed += 0 if ok else 1
        if self.tty:
            self.stream.write("\r\x1b[2K")
        if ok:
            print(f"[{self.done}/{self.total}] ok {url}: {message}", file=self.stream, flush=True)
        else:
            print(f"jianyipai: error: {url}: {message}", file=self.stream, flush=True)
        if self.tty and self.done < self.total:
            self._bar("")

    def close(self) -> None:
        if self.tty:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
