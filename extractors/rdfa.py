"""The part of a page that RDFa reads, so that pyRdfa does not walk all of it.

pyRdfa builds a DOM of the whole page and visits every element: seconds for a 2 MB page
whose RDFa is a dozen attributes. RDFa statements come only from elements carrying RDFa
attributes; what they say depends on their ancestors' attributes (``vocab``, ``prefix``,
``lang``, ``about``...), on the ``<base>`` element, and, for ``property`` (a literal is
the element's whole text) and ``rel``/``rev`` (a hanging ``rel`` is completed by any
``href``/``src`` below it), on everything inside them. :func:`rdfa_markup` keeps exactly
that: every RDFa element with its ancestors (attributes only), the whole of each
``property``/``rel``/``rev`` element, and ``<base>``; the rest of the page says nothing
in RDFa and is left out (so are the untyped ``xhv:role`` statements pyRdfa makes of ARIA
``role`` attributes: no reader here wants them).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

import lxml.html
from lxml import etree

_RDFA_ATTRS = ("about", "typeof", "property", "rel", "rev", "resource", "vocab", "prefix",
               "datatype", "inlist")
_RDFA_ELEMENTS = etree.XPath(
    "//*[" + " or ".join(f"@{a}" for a in _RDFA_ATTRS) + "] | /html/head/base")
_WHOLE = ("property", "rel", "rev")  # elements kept with everything inside them


def typeof_names(values: Iterable[str]) -> set[str]:
    """The type names ``typeof`` attribute values give (``schema:Product``,
    ``http://schema.org/Product`` and ``Product`` all give ``product``), lower case."""
    names: set[str] = set()
    for value in values:
        for token in str(value).split():
            names.add(token.replace("#", "/").replace(":", "/").rsplit("/", 1)[-1].lower())
    return names


def rdfa_markup(tree: etree._Element) -> str | None:
    """The page cut down to what RDFa reads (see the module), serialised; None when no
    element carries an RDFa attribute."""
    found = [el for el in _RDFA_ELEMENTS(tree) if isinstance(el.tag, str)]
    if not any(el.tag != "base" for el in found):
        return None
    root = tree.getroottree().getroot()
    if any(root.get(name) is not None for name in _WHOLE):
        return lxml.html.tostring(root, encoding="unicode")
    children: dict[Any, list[Any]] = {root: []}
    whole: set[Any] = set()
    for el in found:  # document order: an ancestor comes before what it holds
        if el in children or el in whole:
            continue
        ancestors = list(el.iterancestors())
        if any(a in whole for a in ancestors):
            continue
        parent = root
        for a in reversed(ancestors):
            if a not in children:
                children[a] = []
                children[parent].append(a)
            parent = a
        children[parent].append(el)
        if el.tag == "base" or any(el.get(name) is not None for name in _WHOLE):
            whole.add(el)
        else:
            children[el] = []
    return _serialise(root, children)


def _serialise(el: Any, children: dict[Any, list[Any]]) -> str:
    kept = children.get(el)
    if kept is None:  # kept whole
        return lxml.html.tostring(el, encoding="unicode", with_tail=False)
    attrs = "".join(f' {name}="{escape(value)}"' for name, value in el.attrib.items()
                    if isinstance(name, str))
    inner = "".join(_serialise(child, children) for child in kept)
    return f"<{el.tag}{attrs}>{inner}</{el.tag}>"
