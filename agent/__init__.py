"""jianyipai (检益拍): keep verifiable evidence of what online shops show and promise."""
from __future__ import annotations

__version__ = "0.1.0"
