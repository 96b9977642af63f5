"""``extract_listing``: HTML (+ URL) to the listing record of issue 3.

Strategies, each proposing candidates for fields (see :mod:`extractors.fields`): price
hints from the rendered page, the site profile, structured data (extruct), embedded JSON
state, and the generic reading of the displayed page. Values are voted on
(:mod:`extractors.vote`, :mod:`extractors.listing_record`); what the page displays wins a
disagreement with markup, and every price seen is kept in ``price_candidates``.

Each strategy runs guarded (:mod:`extractors.guard`): one that fails leaves a warning
naming it and the error, and the record keeps what the others found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lxml.html

from . import generic
from .decode import decode_html
from .embedded import generic_candidates
from .errors import ExtractError
from .fields import Candidate
from .guard import describe, guarded
from .hints import hint_candidates
from .html import clean, meta, page_lang, parse_page, visible_lines
from .jsobject import script_objects
from .listing_record import SCHEMA, build_record, empty_record
from .profiles import Profile, find_profile
from .siteprofile import Selectors, profile_candidates
from .sites import default_currency, host_of, site_code
from .structured import run_extruct, structured_candidates

__all__ = ["MAX_CHARS", "SCHEMA", "extract_listing"]
MAX_CHARS = 30_000_000


@dataclass
class _Page:
    """What every strategy reads: the text, its tree, and what the URL says."""

    text: str
    tree: Any
    markup: str  # what CSS selectors read: the text, or the tree when libxml2 gave up
    url: str | None
    host: str | None
    profile: Profile | None
    currency: str | None
    site: str | None
    warnings: list[str] = field(default_factory=list)


def extract_listing(html: bytes | str, url: str | None = None, *,
                    hints: list[dict[str, Any]] | None = None,
                    content_type: str | None = None) -> dict[str, Any]:
    """Extract the listing record from one page; see the module and README for the shape.

    Raises :class:`extractors.ExtractError` only when the input is not a page (empty or
    binary); every other problem is a string in ``warnings``.
    """
    warnings: list[str] = []
    encoding = None
    try:
        decoded = decode_html(html, content_type)
        warnings += decoded.warnings
        encoding = decoded.encoding
        return _extract(decoded.text, url, hints, warnings, encoding)
    except ExtractError:
        raise
    except Exception as exc:  # the last net: a bug outside every guarded strategy
        warnings.append(f"extraction failed ({describe(exc)}); the record is empty")
        return empty_record(url if isinstance(url, str) else None, warnings, encoding)


def _page(text: str, url: str | None, warnings: list[str]) -> _Page:
    if len(text) > MAX_CHARS:
        warnings.append(f"page is {len(text)} characters; only the first {MAX_CHARS} were read")
        text = text[:MAX_CHARS]
    if "<" not in text[:100_000]:
        warnings.append("no HTML markup found; read as plain text")
    tree, parse_warnings = parse_page(text)
    warnings += parse_warnings
    markup = lxml.html.tostring(tree, encoding="unicode") if parse_warnings else text
    host = host_of(url)
    profile = guarded("profile lookup", warnings, None, lambda: find_profile(host, text))
    currency = (profile.currency if profile and profile.currency else None) or guarded(
        "currency", warnings, None, lambda: default_currency(url, page_lang(tree)))
    site = site_code(url) or (profile.site if profile else None)
    return _Page(text, tree, markup, url, host, profile, currency, site, warnings)


def _extract(text: str, url: str | None, hints: list[dict[str, Any]] | None,
             warnings: list[str], encoding: str | None) -> dict[str, Any]:
    page = _page(text, url, warnings)
    tree, currency = page.tree, page.currency

    def run(strategy: str, default: Any, fn: Any) -> Any:
        return guarded(strategy, warnings, default, fn)

    objects = run("embedded-json", {}, lambda: script_objects(
        [(dict(s.attrib), s.text or "") for s in tree.iter("script")]))
    cands: list[Candidate] = []
    got, hint_warnings = run("hints", ([], []), lambda: hint_candidates(hints, currency))
    cands += got
    warnings += hint_warnings
    removed_by_profile = False
    if page.profile is not None:
        profile = page.profile
        got, removed_by_profile = run(f"profile:{profile.name}", ([], False),
                                      lambda: profile_candidates(profile,
                                                                 Selectors(page.markup, tree),
                                                                 url, objects, currency))
        cands += got
    got, nodes = run("structured-data", ([], []), lambda: _structured(page))
    cands += got
    cands += run("embedded-json", [], lambda: generic_candidates(objects, currency))
    title, title_el, how = run("generic title", (None, None, "none"),
                               lambda: generic.find_title(tree))
    if title:
        cands.append(Candidate("title", title, "generic", weight=1.0 if how == "h1" else 0.5))
    cands += run("generic prices", [], lambda: generic.price_candidates(tree, currency, title_el))
    lines = run("visible text", [], lambda: visible_lines(tree))
    cands += run("generic availability", [], lambda: generic.availability_candidates(lines))
    cands += run("generic seller", [], lambda: generic.seller_candidates(tree))
    cands += run("opengraph seller", [], lambda: _site_seller(page))
    meta_desc = run("description", None, lambda: generic.description(tree))
    if meta_desc:
        cands.append(Candidate("description", meta_desc, "generic", weight=0.5))
    return build_record(url, page.site, currency, cands, nodes, lines, tree,
                        profile_removed=removed_by_profile, warnings=warnings,
                        encoding=encoding)


def _structured(page: _Page) -> tuple[list[Candidate], list[dict[str, Any]]]:
    data, extruct_warnings = run_extruct(page.text, page.url, page.tree)
    page.warnings.extend(extruct_warnings)
    return structured_candidates(data, page.currency)


def _site_seller(page: _Page) -> list[Candidate]:
    site_name = meta(page.tree, "og:site_name")
    if site_name and page.profile is None and page.site == page.host and len(site_name) <= 60:
        # A shop on its own domain (Shopify, WooCommerce...) is the seller; on a marketplace
        # (a known site code) og:site_name names the platform, so it is not used there.
        return [Candidate("seller", {"name": clean(site_name), "url": None}, "opengraph",
                          weight=0.5)]
    return []
