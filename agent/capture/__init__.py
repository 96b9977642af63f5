"""The browser capture: finding and driving Chromium, and the phases of one capture.

``agent.pipeline`` runs these phases in order and turns what they got into a snapshot.
"""
from __future__ import annotations

# What a capture can be told the page is. One definition: CLI, config and pipeline use it.
KINDS = ("listing", "chat", "page", "checkout")
