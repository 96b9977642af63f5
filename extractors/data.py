"""Read the package's own data files (term lists, patterns, site profiles)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_toml(name: str, package: str = "extractors") -> dict[str, Any]:
    """Parse ``name`` shipped inside ``package``; errors name the file."""
    ref = resources.files(package).joinpath(name)
    try:
        return tomllib.loads(ref.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{package}/{name}: {exc}") from exc
