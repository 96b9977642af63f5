"""Pure extractors: captured HTML (+ URL) to records. No browser, no network, no disk.

>>> from extractors import extract_listing
>>> extract_listing(b"<h1>x</h1><span class=price>\\xef\\xbf\\xa599</span>")["price"]
{'amount': '99.00', 'currency': 'CNY'}
"""

from __future__ import annotations

from .chat import extract_chat
from .chat_profiles import register_chat_profile
from .checkout import extract_checkout
from .claims import CLAIMS_NOTE, find_claims
from .errors import ExtractError
from .listing import SCHEMA, extract_listing
from .profiles import register_profile
from .promises import find_promises

__all__ = ["CLAIMS_NOTE", "SCHEMA", "ExtractError", "extract_chat", "extract_checkout",
           "extract_listing", "find_claims", "find_promises", "register_chat_profile",
           "register_profile"]
