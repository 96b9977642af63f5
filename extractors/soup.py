"""BeautifulSoup trees for the CSS selectors of profiles and chats, built the safe way.

bs4 warns (``XMLParsedAsHTMLWarning``, ``MarkupResemblesLocatorWarning``) on documents
that start with an XML declaration or are one short line without markup; the page is
read as HTML either way, so the text is given in a form that needs no warning. Strings
that a browser does not show (comments, processing instructions, doctypes) are told
apart by :func:`visible_string`.
"""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import CData, PreformattedString

from .html import strip_xml_declaration

_XML_PI = re.compile(r"<\?xml", re.I)


def make_soup(text: str) -> BeautifulSoup:
    text = strip_xml_declaration(text)
    if "<?" in text:  # a later XML declaration is an invisible PI; renamed, it warns nobody
        text = _XML_PI.sub("<?_xml", text)
    if "<" not in text[:300]:
        text += "\n"  # plain text: never taken for a file name or URL
    return BeautifulSoup(text, "lxml")


def visible_string(node: Any) -> bool:
    """A text node a browser shows: not a comment, PI, doctype or declaration."""
    return not isinstance(node, PreformattedString) or isinstance(node, CData)
