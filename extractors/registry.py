"""Profiles kept as data: the TOML files shipped in a package folder, plus any registered
at run time (tried first). Shared by the listing and the chat profiles."""
from __future__ import annotations

import tomllib
from collections.abc import Callable
from importlib import resources
from typing import Any, Generic, TypeVar

P = TypeVar("P")


class Registry(Generic[P]):
    def __init__(self, package: str, folder: str, parse: Callable[[dict[str, Any], str], P]) -> None:
        self._package = package
        self._folder = folder
        self._parse = parse
        self._extra: list[P] = []
        self._builtin: tuple[P, ...] | None = None

    def builtin(self) -> tuple[P, ...]:
        if self._builtin is None:
            out = []
            for ref in sorted(resources.files(self._package).iterdir(), key=lambda r: r.name):
                if ref.name.endswith(".toml"):
                    data = tomllib.loads(ref.read_text(encoding="utf-8"))
                    out.append(self._parse(data, f"{self._folder}/{ref.name}"))
            self._builtin = tuple(out)
        return self._builtin

    def register(self, data: dict[str, Any], origin: str = "<registered>") -> P:
        """Add a profile at run time; it is tried before the built-in ones."""
        profile = self._parse(data, origin)
        self._extra.insert(0, profile)
        return profile

    def all(self) -> list[P]:
        return [*self._extra, *self.builtin()]
