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
from urllib.parse import urljoin, urlsplit

import lxml.html

from . import availability, generic, sku
from .countdown import find_countdown
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
    url_source: str | None = None  # "canonical" / "og:url" when the page gave its address
    canonical: str | None = None  # the page's own absolute address, whatever was given


def extract_listing(html: bytes | str, url: str | None = None, *,
                    hints: list[dict[str, Any]] | None = None,
                    content_type: str | None = None,
                    captured_at: Any = None) -> dict[str, Any]:
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
        return _extract(decoded.text, url, hints, warnings, encoding, captured_at)
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
    canonical, url_source = guarded("page address", warnings, (None, None),
                                    lambda: own_address(tree))
    if canonical and not _is_web(url):
        url = canonical  # a saved page (no URL, or file://): its profile and id still apply
    else:
        url_source = None
    host = host_of(url)
    profile = guarded("profile lookup", warnings, None, lambda: find_profile(host, text))
    currency = (profile.currency if profile and profile.currency else None) or guarded(
        "currency", warnings, None, lambda: default_currency(url, page_lang(tree)))
    site = site_code(url) or (profile.site if profile else None)
    return _Page(text, tree, markup, url, host, profile, currency, site, warnings,
                 url_source, canonical)


def _is_web(url: str | None) -> bool:
    """An absolute http(s) address with a host."""
    if not isinstance(url, str) or len(url) > 4000 or any(c.isspace() for c in url.strip()):
        return False
    try:
        parts = urlsplit(url.strip())
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def own_address(tree: Any) -> tuple[str | None, str | None]:
    """(the page's own address, "canonical" | "og:url") from its head, or (None, None).

    ``<link rel=canonical>`` first, then ``og:url``; only absolute http(s) addresses count;
    a relative canonical link is resolved against ``og:url`` when that is absolute.
    """
    head = tree.find("head")
    if head is None:
        return None, None
    canonical = og = None
    for el in head.iter("link", "meta"):
        if el.tag == "link" and canonical is None and "canonical" in (
                el.get("rel") or "").lower().split():
            canonical = clean(el.get("href")) or None
        elif el.tag == "meta" and og is None and (
                el.get("property") or el.get("name") or "").strip().lower() == "og:url":
            og = clean(el.get("content")) or None
    og = og if _is_web(og) else None
    if canonical and canonical.startswith("//"):
        canonical = "https:" + canonical
    if canonical and not _is_web(canonical) and og:
        try:
            canonical = urljoin(og, canonical)
        except ValueError:
            canonical = None
    if _is_web(canonical):
        return canonical.strip(), "canonical"
    return (og.strip(), "og:url") if og else (None, None)


def _extract(text: str, url: str | None, hints: list[dict[str, Any]] | None,
             warnings: list[str], encoding: str | None,
             captured_at: Any = None) -> dict[str, Any]:
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
                                                                 page.url, objects, currency))
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
    cands += run("generic sku", [], lambda: sku.label_candidates(lines))
    cands += run("generic sku attributes", [],
                 lambda: sku.attribute_candidates(tree, title_el))
    cands += run("url sku", [], lambda: sku.url_candidates(page.url, page.canonical))
    cands += run("generic availability", [],
                 lambda: availability.display_candidates(tree, lines, title_el))
    cands += run("generic seller", [], lambda: generic.seller_candidates(tree, "\n".join(lines)))
    cands += run("opengraph seller", [], lambda: _site_seller(page))
    meta_desc = run("description", None, lambda: generic.description(tree))
    if meta_desc:
        cands.append(Candidate("description", meta_desc, "generic", weight=0.5))
    record = build_record(page.url, page.site, currency, cands, nodes, lines, tree,
                          profile_removed=removed_by_profile, warnings=warnings,
                          encoding=encoding, captured_at=captured_at)
    record["countdown"] = run("countdown", None, lambda: find_countdown(
        lines, tree, page.text, captured_at))
    if page.url_source:
        record["sources"]["url"] = page.url_source
    return record


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
