"""Blocks of a page that do not speak for its product, one vocabulary for every reader.

A product page holds much that is not about the product: tiles of other products
(recommendations, carousels, "You may also like", 为你推荐), the page's chrome (header,
navigation, footer, mini cart, announcement bars), dialogs and toasts ("Added to your
bag"), what buyers wrote (reviews, Q&A), and hidden elements. The prices
(:mod:`.shown_prices`), the availability (:mod:`.availability`), the sku (:mod:`.sku`), the
title (:mod:`.generic`) and the promises (:mod:`.listing_record`) all pass over them; the
words that name them live here, as data, and each question is one cheap function of one
element (its class and id, tag, role and style; no walk of the tree) plus :func:`inside`
for "is it within one". The blocks of other products the price reader passes over are kept
for the page (:func:`note_passed_over`, :func:`passed_over`): a promise shown only there
is none of the product's.

Class and id words are matched on :func:`names`: ``class`` then ``id``, lower case, ``_``
read as ``-`` (``nav_a`` is ``nav-a``), at most 300 + 100 characters.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from .html import tag_of

# -- the vocabularies ---------------------------------------------------------------------

#: Class and id words of blocks listing other products: recommendations, carousels and
#: sliders, "also bought", recently viewed, bundles and accessories, comparison tables,
#: sponsored tiles, product grids and cards.
OTHER_PRODUCTS_WORDS = (
    r"recommend", r"related", r"similar", r"also-?(?:like|bought|viewed|purchased)",
    r"(?<![\w])also(?![\w])", r"you-?may", r"upsell", r"up-sell", r"cross-?sell",
    r"carousel", r"slider", r"slick", r"swiper", r"glide", r"splide", r"owl-", r"sims-",
    r"p13n", r"(?<![\w])reco", r"(?<![\w])recs?(?![\w])", r"guess", r"(?<![\w])recent",
    r"viewed", r"(?<![\w])history(?![\w])", r"bundle", r"accessor", r"comparison",
    r"(?<![\w])compare(?![\w-])",
    r"compare-?(?:table|products|with|list)", r"sponsored", r"advert", r"(?<![\w])ads?(?![\w])",
    r"best-?sell", r"top-?sell", r"trending", r"more-?from", r"other-?products",
    r"product-?(?:list|grid|tile|card)s?(?![\w])", r"(?<![\w])products(?![\w])",
    r"(?<![\w])s-item(?![\w])", r"(?<![\w])plist(?![\w])", r"goods-?list", r"hot-?sale",
    r"wishlist", r"猜你", r"推荐", r"热销",
)
#: Class and id words of the page's chrome: header, navigation, menus, breadcrumbs,
#: footer, the mini cart and its counters, announcement and promotion bars.
CHROME_WORDS = (
    r"footer", r"site-header", r"(?<![\w-])header(?![\w-])", r"masthead", r"navbar",
    r"(?<![\w])nav(?![\w])", r"navigation", r"(?<![\w])menu(?![\w])", r"mega-?menu",
    r"breadcrumb", r"top-?bar", r"mini-?cart", r"header-?cart",
    r"cart-?(?:drawer|popup|flyout|dropdown|preview|summary|contents|count|total|widget|"
    r"items?(?![\w]))",
    r"announcement", r"promo-?(?:bar|banner|strip)",
)
#: Class and id words of dialogs, pop-ups and toasts (not a back-in-stock
#: "…-notification" block, which is the product's own).
DIALOG_WORDS = (
    r"modal", r"popup", r"pop-up", r"toast", r"lightbox", r"dialog", r"snackbar", r"flyout",
    r"offcanvas", r"off-canvas", r"quick-?view", r"(?<![\w-])notifications?(?![\w-])",
    r"notification-?(?:bar|banner|toast|popup|drawer|center|container)",
)
#: Class and id words of what buyers wrote: reviews, comments, questions and answers.
USER_CONTENT_WORDS = (
    r"(?<!p)review", r"comment", r"testimonial", r"question", r"(?<![\w])faq(?![\w])",
    r"(?<![\w])qa(?![\w])", r"评价", r"评论",
)
#: Class and id words of coupon and voucher lists (their "titles" name no product).
COUPON_WORDS = (r"coupon", r"voucher")
#: Headings of blocks that list other products.
OTHER_PRODUCTS_HEADINGS = (
    # zh
    r"推荐", r"看了又看", r"看了还看", r"猜你喜欢", r"相似", r"同类", r"最近浏览", r"浏览记录",
    r"大家都在", r"店铺热销", r"热销", r"买了又买",
    # en
    r"also (?:like|viewed|bought)", r"related", r"similar", r"recommended", r"recently viewed",
    r"sponsored", r"compare with", r"customers (?:who|also)", r"frequently bought",
    r"more (?:from|items|to consider|like this)", r"you (?:may|might)", r"inspired by",
    # de
    r"ähnliche", r"das könnte", r"könnte (?:dir|ihnen) auch", r"kunden kauften",
    r"auch gekauft", r"empfehl", r"passend dazu", r"zuletzt angesehen",
    # fr
    r"vous aimerez", r"aussi acheté", r"produits similaires", r"articles similaires",
    r"similaires", r"recommandé",
    # it
    r"potrebbe (?:piacerti|interessarti)", r"prodotti simili", r"prodotti correlati",
    r"correlati", r"simili", r"anche acquistato",
    # es
    r"te puede interesar", r"también te puede", r"productos relacionados", r"similares",
    r"también compraron",
    # ru
    r"похожие", r"рекомендуем", r"с этим товаром", r"смотрите также", r"вам может",
    # pl, cs, hu, nordic, ja, ko
    r"podobne", r"polecane", r"podobné", r"doporučen", r"hasonló", r"liknande", r"lignende",
    r"relaterede", r"おすすめ", r"関連", r"この商品を見た", r"추천", r"관련",
)
#: Tags and ARIA roles of the page's chrome and of dialogs.
CHROME_TAGS = frozenset(("nav", "header", "footer"))
CHROME_ROLES = frozenset(("navigation", "menu", "menubar", "banner", "contentinfo"))
DIALOG_ROLES = frozenset(("dialog", "alertdialog", "tooltip"))
#: Elements whose content is never shown as text.
HIDDEN_TAGS = frozenset(("script", "style", "template", "noscript", "head", "title",
                         "select", "option", "optgroup", "datalist", "textarea", "svg",
                         "iframe", "object", "math"))
#: Class tokens that hide an element (unless a breakpoint shows it: ``hidden md:block``).
HIDDEN_CLASSES = frozenset(("hidden", "hide", "d-none", "is-hidden", "u-hidden", "invisible",
                            "display-none", "js-hidden", "no-display"))


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(words))


OTHER_PRODUCTS = _words(OTHER_PRODUCTS_WORDS)
CHROME = _words(CHROME_WORDS)
DIALOG = _words(DIALOG_WORDS)
USER_CONTENT = _words(USER_CONTENT_WORDS)
COUPON = _words(COUPON_WORDS)
OTHER_PRODUCTS_HEADING = re.compile("|".join(OTHER_PRODUCTS_HEADINGS), re.I)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_SHOWN_AT = re.compile(r"^(?:sm|md|lg|xl|2xl):(?:block|flex|inline|inline-block|grid|table)$")

# -- one element ----------------------------------------------------------------------------


def names(el: Any) -> str:
    """``class`` and ``id``, lower case, ``_`` read as ``-``."""
    return f"{(el.get('class') or '')[:300]} {(el.get('id') or '')[:100]}".lower().replace(
        "_", "-")


def _role(el: Any) -> str:
    return (el.get("role") or "").strip().lower()


def other_products(el: Any) -> bool:
    """Named as a block of other products (recommendations, carousel, product grid)."""
    return bool(OTHER_PRODUCTS.search(names(el)))


def chrome(el: Any, *, tags: bool = True) -> bool:
    """The page's chrome: ``<nav>``/``<header>``/``<footer>`` (with ``tags``), a landmark
    role (navigation, banner, contentinfo, menu), or named so (footer, breadcrumb, mini
    cart...)."""
    return (tags and tag_of(el) in CHROME_TAGS) or _role(el) in CHROME_ROLES or \
        bool(CHROME.search(names(el)))


def dialog(el: Any) -> bool:
    """A dialog, pop-up or toast: ``role=dialog``, ``aria-modal``, or named so."""
    return _role(el) in DIALOG_ROLES or (el.get("aria-modal") or "").lower() == "true" or \
        bool(DIALOG.search(names(el)))


def user_content(el: Any) -> bool:
    """What buyers wrote: reviews, comments, questions."""
    return bool(USER_CONTENT.search(names(el)))


def coupons(el: Any) -> bool:
    """A list of coupons or vouchers (their "titles" name no product)."""
    return bool(COUPON.search(names(el)))


def hidden(el: Any) -> bool:
    """Not shown: a tag whose content is no text (``<script>``, ``<template>``,
    ``<select>``...), a closed ``<dialog>``, ``hidden``, ``display:none`` /
    ``visibility:hidden``, or a hiding class (``hidden``, ``d-none``; not Tailwind's
    ``hidden md:block``). Not ``aria-hidden``: shops hide the visible price from screen
    readers (Amazon's ``a-price``)."""
    tag = tag_of(el)
    if tag in HIDDEN_TAGS or el.get("hidden") is not None or (
            tag == "dialog" and el.get("open") is None):
        return True
    style = el.get("style")
    if style and HIDDEN_STYLE.search(style):
        return True
    cls = el.get("class")
    if not cls:
        return False
    tokens = cls.lower().split()
    return not HIDDEN_CLASSES.isdisjoint(tokens) and not any(_SHOWN_AT.match(t) for t in tokens)


def aria_hidden(el: Any) -> bool:
    return (el.get("aria-hidden") or "").strip().lower() == "true"


def heads_other_products(text: str | None) -> bool:
    """A heading's text that introduces other products ("You may also like", 为你推荐)."""
    return text is not None and OTHER_PRODUCTS_HEADING.search(text) is not None


# -- walks -----------------------------------------------------------------------------------


def inside(el: Any, test: Callable[[Any], bool], levels: int = 10,
           stop: Collection[Any] = ()) -> Any:
    """The first of ``el`` and its ancestors (at most ``levels`` up, never ``<body>``, and
    not past an element of ``stop``, such as the title's ancestors) for which ``test``
    holds; None when none does."""
    node = el
    for _ in range(levels + 1):
        if node is None or node in stop or tag_of(node) in ("body", "html"):
            return None
        if test(node):
            return node
        node = node.getparent()
    return None


def in_other_products(el: Any, levels: int = 10, stop: Collection[Any] = ()) -> bool:
    return inside(el, other_products, levels, stop) is not None


def in_chrome(el: Any, levels: int = 10, stop: Collection[Any] = ()) -> bool:
    return inside(el, chrome, levels, stop) is not None


def in_hidden(el: Any, levels: int = 30) -> bool:
    return inside(el, hidden, levels) is not None


# -- what the readers passed over ------------------------------------------------------------


@dataclass
class PassedOver:
    """The blocks of other products the price reader passed over on one page: ``spans``
    (merged, in order) in ``text``, the page's text nodes joined by newlines
    (:class:`.page_text.PageText`)."""

    text: str
    spans: list[tuple[int, int]]

    def only_inside(self, wording: str, visible: str) -> bool:
        """Whether every occurrence of ``wording`` on the page (as written, or in lower,
        upper or title case: "FREE SHIPPING" in the buy box) is inside the blocks, and
        the visible text ``visible`` holds it no more often (a text node over 300
        characters, which the page's text leaves out, may hold it elsewhere)."""
        inside = 0
        for n, form in enumerate(sorted(case_forms(wording), key=lambda w: w != wording)):
            here = sum(self.text.count(form, a, b) for a, b in self.spans)
            if (not here and not n) or self.text.count(form) > here:
                return False  # (most wordings are not in the blocks at all: one pass)
            inside += here
        return sum(visible.count(form) for form in case_forms(wording)) <= inside


def case_forms(wording: str) -> set[str]:
    """``wording`` as written and in lower, upper, title and sentence case."""
    return {wording, wording.lower(), wording.upper(), wording.title(), wording.capitalize()}


_LAST: tuple[Any, PassedOver] | None = None


def note_passed_over(tree: Any, text: str, spans: list[tuple[int, int]]) -> None:
    """Keep the blocks of other products a reader found on this page, for the readers
    after it (the promises): the last page's only, as :func:`.html.attr_texts` does."""
    global _LAST
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    _LAST = (weakref.ref(tree.getroottree().getroot()), PassedOver(text, merged))


def passed_over(tree: Any) -> PassedOver | None:
    """What :func:`note_passed_over` kept for this page, or None."""
    last = _LAST
    if last is None or tree is None or last[0]() is not tree.getroottree().getroot():
        return None
    return last[1]
