"""Commands of later issues register here or in modules of their own."""
from __future__ import annotations
