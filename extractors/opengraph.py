"""OpenGraph ``<meta property="og:...">`` tags of a page's head, as extruct reads them.

The same output as ``extruct.extract(tree, syntaxes=["opengraph"], uniform=True)`` (the
namespaces the ``<html>`` and ``<head>`` ``prefix`` attributes declare plus OpenGraph's own;
the first non-empty value of a repeated property; ``og:type`` as ``@type``), read from the
heads the caller already found: extruct walks the whole document two more times to find
the head again.
"""

from __future__ import annotations

import re
from typing import Any

_PREFIX = re.compile(r"\s*(\w+):\s*([^\s]+)")
_NAMESPACES = {
    "og": "http://ogp.me/ns#",
    "music": "http://ogp.me/ns/music#",
    "video": "http://ogp.me/ns/video#",
    "article": "http://ogp.me/ns/article#",
    "book": "http://ogp.me/ns/book#",
    "profile": "http://ogp.me/ns/profile#",
    "product": "http://ogp.me/ns/product#",  # not standard, common on product pages
}


def opengraph(root: Any, heads: list[Any]) -> list[dict[str, Any]]:
    """One dict per ``<head>`` (in ``heads``, all of the document's) with OpenGraph
    properties; ``root`` is the document's root element."""
    if not heads:
        return []
    first = next(root.iter("head"), None)  # what lxml's ``document.head`` gives
    if first is None:
        raise AttributeError("no <head> under the root element")  # (as extruct fails)
    parent = first.getparent()
    declared = _declared(parent) if parent is not None and parent.tag == "html" else {}
    out = []
    for head in heads:
        namespaces = dict(declared)
        namespaces.update(_declared(head))
        props = []
        for el in head:
            if el.tag != "meta":
                continue
            prop, value = el.get("property"), el.get("content")
            if prop is None or value is None:
                continue
            prefix = prop.partition(":")[0]
            if prefix in _NAMESPACES:
                namespaces[prefix] = _NAMESPACES[prefix]
            if prefix in namespaces:
                props.append((prop, value))
        if props:
            out.append(_flattened(namespaces, props))
    return out


def _declared(el: Any) -> dict[str, str]:
    return dict(_PREFIX.findall(el.get("prefix") or ""))


def _flattened(namespaces: dict[str, str], props: list[tuple[str, str]]) -> dict[str, Any]:
    """The first value of each property, or the first non-empty one."""
    flat: dict[str, Any] = {}
    for key, value in props:
        if key not in flat:
            flat[key] = value
        elif value and value.strip() and (not flat[key] or not flat[key].strip()):
            flat[key] = value
    kind = flat.pop("og:type", None)
    if kind:
        flat["@type"] = kind
    flat["@context"] = namespaces
    return flat
