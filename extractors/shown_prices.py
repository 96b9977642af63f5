"""The prices a page displays, read in one pass over its text (the generic strategy).

One numbering for the title and every price: the page's text nodes in document order
(``//text()``, gathered in C as plain strings) joined into one string, and a position is an
offset in it. Amounts with a currency are found by three regex scans of that string near
the title; they are visited nearest the title first, and each leads to the smallest
element around it that holds a price (its *box*), read once with the words before and
after each amount (:mod:`extractors.price_words`). A box inside a block of other products
(recommendations, carousels, a tile with a link to another product, the header and its
mini cart, the footer) marks that whole block as read, so the rest of its amounts (2,500
tiles) are passed over without touching the tree; at most :data:`MAX_BOXES` boxes are read.

Not the price: shipping and other add-ons ("+ $12.00 shipping", "zzgl. Versand 4,95 €"),
savings, coupons, instalments, unit prices, amounts converted into another currency
("approx. EUR 14.43"), subscribe-and-save prices, "used from"/"other sellers" offers,
unselected variants and swatches, hidden elements and dialogs, 0; amounts before VAT and
member or card prices only when another price is shown. Struck amounts (``<del>``,
``<s>``, ``line-through``, classes like ``price--old``/``was-price``/``strike``) and
原价/"List Price"/"statt" labels are original prices, and so is the higher of two
unlabelled amounts side by side. Cents in their own element (``$129<sup>99</sup>``,
``.a-price-fraction``) belong to the amount before them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from lxml import etree

from . import blocks
from . import price_words as words
from .fields import Candidate
from .html import BLOCK, clean, is_element, page_lang, tag_of
from .money import SIGN_CHARS, WORD_SIGNS_AFTER, Money, iter_prices, to_decimal
from .page_text import PageText, classes, read_text

STRATEGY = "generic"
#: Boxes read at most per page, amounts visited (most are passed over cheaply) and
#: amounts whose element is looked up.
MAX_BOXES = 80
MAX_VISITS = 4000
MAX_LOOKUPS = 400  # amounts whose element is looked up
# Where an amount with a currency may be: a sign; a code or word before digits; a currency
# word after digits. Simple scans that start with a character class (which the regex engine
# skips to quickly) rather than one slow alternation.
_HITS = (
    re.compile(f"[{re.escape(SIGN_CHARS)}]"),
    re.compile(r"[A-Zk](?<![^\W\d_][A-Zk])(?:[A-Z]{2}|r\.?|s\.?|p|M|/\.?)\s{0,3}\d"),
    re.compile(r"\d(?<!\d\d)[\d.,'’\s]{0,16}+(?:万\s?)?"
               rf"(?=[{re.escape(''.join(sorted({w[0] for w in WORD_SIGNS_AFTER})))}])"
               r"(?P<sign>" + "|".join(re.escape(w) for w in WORD_SIGNS_AFTER) +
               r")(?![^\W\d_])"),
)
_PRICE_CLASSED = etree.XPath(  # among the 400 elements after the title
    "following::*[position() <= 400][@class or @id][" + " or ".join(
        f"contains(@{a}, '{w}')" for a in ("class", "id")
        for w in ("price", "Price", "PRICE", "preis", "prix", "prezzo", "precio")) +
    "][position() <= 12]")
_BARE_AMOUNT = re.compile(r"\d[\d.,'’ \u00a0\u202f]*(?:[.,][-–])?")
#: Amounts are read this far (in characters of text) before and after the title.
READ_BEFORE, READ_AFTER = 30_000, 60_000
_NOT_LETTERS = re.compile(r"[^\W\d_]{5}")
_CLAUSE_END = re.compile(r".*[。！？；|•·\n]", re.S)
_LABEL_END = re.compile(r"[:：]\s*$")
_WORD = re.compile(r"[^\W\d_]")
# nothing, or a discount: "-50%", "56% off", "(-31 %)", "-31% Rabatt"
_DISCOUNT_ONLY = re.compile(r"\s*(?:\(?[-−]?\s*\d{1,2}\s*%\s*(?:off|rabatt|de réduction|"
                            r"di sconto|de descuento|скидка|折)?\)?)?\s*", re.I)
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_IMAGE_HREF = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:[?#].*)?$", re.I)
_HEADINGS = {"h2", "h3", "h4", "h5"}


@dataclass
class PriceSeen:
    """One amount the page shows, with what the page says about it."""

    money: Money
    label: str
    struck: bool
    position: int
    priceish: bool
    kind: str  # price | final (in <ins>) | excl (before VAT) | member (members only)
    text: str
    box: Any = field(default=None, repr=False, compare=False)
    #: Mentioned inside a sentence ("券后价 ¥179.00（满199减20）" in one text), not shown as
    #: a price element of its own: its label counts as a plain one.
    mention: bool = False


@dataclass
class _Where:
    skip: bool = False
    block: etree._Element | None = None  # the block of other products (or chrome) it is in
    struck: bool = False
    priceish: bool = False
    kind: str = "price"


class _Reader:
    """Visits the amounts nearest the title first and reads each box once."""

    def __init__(self, tree: etree._Element, page: PageText, currency: str | None,
                 lang: str | None, title_el: etree._Element | None) -> None:
        self.page, self.currency, self.lang = page, currency, lang
        self.title_el = title_el
        self.own: set[etree._Element] = set()
        self.title_text = ""
        if title_el is not None:
            self.own = {title_el, *title_el.iterancestors()}
            self.title_text = (read_text(title_el, 400) or "").lower()
        self.texts: dict[tuple[etree._Element, int], str | None] = {}
        self.headed: dict[etree._Element, bool] = {}
        self.visited: set[etree._Element] = set()
        self.boxes: set[etree._Element] = set()
        self.skipped: list[tuple[int, int]] = []
        self.others: list[tuple[int, int]] = []  # of them, blocks of other products

    def read(self, el: etree._Element, limit: int = 80) -> str | None:
        key = (el, limit)
        if key not in self.texts:
            self.texts[key] = read_text(el, limit)
        return self.texts[key]

    def prices(self, text: str) -> list[tuple[Money, int, int]]:
        return list(iter_prices(text, self.currency, lang=self.lang))

    def run(self, anchor: int) -> list[PriceSeen]:
        page = self.page
        text = page.text
        lo, hi = max(0, anchor - READ_BEFORE), anchor + READ_AFTER
        hits = [m.start(m.lastindex or 0) for rx in _HITS for m in rx.finditer(text, lo, hi)]
        hits.sort()
        seen: list[PriceSeen] = []
        last = (0, 0)  # the block last passed over: most amounts skipped are in it
        lookups = 0
        for pos in islice(_outward(hits, anchor), MAX_VISITS):
            if len(self.boxes) >= MAX_BOXES or lookups >= MAX_LOOKUPS:
                break
            if last[0] <= pos < last[1]:
                continue
            block = next(((a, b) for a, b in self.skipped if a <= pos < b), None)
            if block is not None:
                last = block
                continue
            lookups += 1
            el = page.element_at(pos)
            if el is None or el in self.visited:
                continue
            self.visited.add(el)
            box, text = self.box_of(el)
            if box is None or box in self.boxes:
                continue
            self.boxes.add(box)
            where = self.where(box)
            if where.block is not None:
                span = page.span(where.block)
                self.skipped.append(span)
                if blocks.other_products(where.block) or self.is_headed(where.block):
                    self.others.append(span)  # named or headed so: not a bare link
                continue
            if not where.skip:
                seen.extend(self.read_box(box, text, where, pos))
        return seen

    def box_of(self, el: etree._Element) -> tuple[etree._Element | None, str]:
        """The smallest of ``el`` and two ancestors whose (short) text holds a price."""
        candidate: Any = el
        for _ in range(3):
            if candidate is None or tag_of(candidate) in ("body", "html"):
                break
            got = self.read(candidate)
            if got is None:
                break
            if self.prices(got):
                return candidate, got
            candidate = candidate.getparent()
        return None, ""

    def where(self, box: etree._Element) -> _Where:
        """Where the box is: hidden, struck, in a block of other products..."""
        w = _Where()
        own = False
        variant = None
        el: Any = box
        depth = 0
        while el is not None:
            tag = tag_of(el)
            style = el.get("style") or ""
            if blocks.hidden(el):
                w.skip = True
                return w
            if tag in ("body", "html"):
                break
            cls = classes(el)
            own = own or el in self.own or bool(words.BUY_BOX_CLASS.search(cls))
            if depth <= 3:
                if tag in ("del", "s", "strike") or words.STRUCK_CLASS.search(cls) or \
                        "line-through" in style:
                    w.struck = True
                if tag == "ins" and w.kind == "price":
                    w.kind = "final"
                if words.CONVERTED_CLASS.search(cls) or words.SUBSCRIBE_CLASS.search(cls):
                    w.skip = True
                    return w
                if words.EXCL_VAT_CLASS.search(cls):
                    w.kind = "excl"
                elif words.MEMBER_CLASS.search(cls):
                    w.kind = "member"  # JD's p-price-plus, svip-price, member-price
            if depth <= 2 and words.PRICE_CLASS.search(cls):
                w.priceish = True
            if not own:
                if blocks.dialog(el):
                    w.skip = True
                    return w
                if depth <= 4 and variant is None and words.VARIANT_CLASS.search(cls) and \
                        _alike(el):
                    variant = el  # one of a picker's options (a swatch, a size button)
                block = self.elsewhere(el, tag, cls, depth, box)
                if block is not None:
                    w.block = self.widest(block)
                    return w
            el = el.getparent()
            depth += 1
        if variant is not None and not _selected(variant):
            w.skip = True
        return w

    def elsewhere(self, el: etree._Element, tag: str, cls: str, depth: int,
                  box: etree._Element) -> etree._Element | None:
        """The block of other products (or page chrome) that ``el`` starts, if any."""
        if tag == "a" and depth <= 5 and _real_link(el):
            return self.tiles_of(el)
        if blocks.chrome(el) or blocks.other_products(el) or self.is_headed(el):
            return el
        if 1 <= depth <= 4 and self.is_card(el, box):
            return self.tiles_of(el)
        return None

    def widest(self, block: etree._Element) -> etree._Element:
        """The outermost block of other products around ``block`` (a price classed
        ``rec-price`` in a tile in a ``recommend`` list: the list), so that one look-up
        passes over all of it."""
        widest = block
        el = block.getparent()
        for _ in range(12):
            if el is None or el in self.own or tag_of(el) in ("body", "html") or \
                    words.BUY_BOX_CLASS.search(classes(el)):
                break
            if blocks.chrome(el) or blocks.other_products(el) or self.is_headed(el):
                widest = el
            el = el.getparent()
        return widest

    def tiles_of(self, el: etree._Element) -> etree._Element:
        """A tile's list when it is one of several alike (same tag and class), so that all
        of them are passed over."""
        for tile in (el, el.getparent()):
            if tile is None:
                break
            parent = tile.getparent()
            if parent is None or parent in self.own or tag_of(parent) in ("body", "html") \
                    or words.BUY_BOX_CLASS.search(classes(parent)):
                break  # (the buy box's rows are no tiles)
            kind = (tile.get("class") or "").split()[:1]
            alike = (c for c in parent.iterchildren(tile.tag)
                     if (c.get("class") or "").split()[:1] == kind)
            if sum(1 for _ in islice(alike, 3)) >= 3:
                return parent
        return el

    def is_headed(self, block: etree._Element) -> bool:
        """Headed (as a first child or just before it) 为你推荐 / "You may also like"."""
        headed = self.headed.get(block)
        if headed is None:
            heads = [c for c in islice(block.iterchildren(), 6) if is_element(c)]
            prev = block.getprevious()
            while prev is not None and not is_element(prev):
                prev = prev.getprevious()
            if prev is not None:
                heads.append(prev)
            headed = any(
                (tag_of(h) in _HEADINGS or (h.get("class") or "").strip() == "mt")
                and blocks.heads_other_products((self.read(h, 120) or "")[:60])
                for h in heads)
            self.headed[block] = headed
        return headed

    def is_card(self, block: etree._Element, box: etree._Element) -> bool:
        """A small block with a link to another product before the price (its picture, or
        its name): a tile of another product. A block with the buy buttons is the
        product's own (its seller's avatar is a linked picture too)."""
        if self.read(block, 200) is None:
            return False
        linked = False
        for node in block.iter():
            tag = tag_of(node)
            if node is box:
                if not linked:
                    return False
                continue
            if tag in ("button", "input") or (tag == "a" and linked):
                label = node.get("value") or node.get("aria-label") or \
                    self.read(node, 60) or ""
                if words.BUY_CONTROL.search(label):
                    return False
            if tag != "a" or linked or not _real_link(node):
                continue
            if node.find(".//img") is not None or node.find(".//picture") is not None:
                linked = True
                continue
            name = (self.read(node, 120) or "").lower()
            linked = bool(_NOT_LETTERS.search(name.replace(" ", ""))) and \
                name not in self.title_text
        return linked

    def read_box(self, box: etree._Element, text: str, where: _Where, pos: int
                 ) -> list[PriceSeen]:
        """The amounts in one box, each with the words before it (from the box, else from
        just before the box) and after it (up to the next amount)."""
        found = self.prices(text)
        struck_texts = [read_text(d, 80) or "" for d in box.iterdescendants()
                        if is_element(d) and _is_struck(d)] if not where.struck else []
        out: list[PriceSeen] = []
        for n, (money, start, end) in enumerate(found):
            token = text[start:end]
            before = text[found[n - 1][2] if n else 0:start]
            if not n and not before.strip():
                before = self.lead(box) + before
            after = text[end:found[n + 1][1] if n + 1 < len(found) else len(text)][:60]
            if _LABEL_END.search(after):
                after = ""  # "…: $13.49": the words before the next amount are its label
            if n + 1 == len(found) and not after.strip():
                after += " " + self.trail(box)
            kind = _kind(money, before, after, where.kind)
            if kind is None:
                continue
            struck = where.struck or any(token.strip() in t for t in struck_texts)
            out.append(PriceSeen(money, _label(before), struck, pos, where.priceish, kind,
                                 token, box, _mentioned(box, token.strip())))
        _adjacent(out, text)
        return out

    def unsigned(self, title_el: etree._Element, anchor: int) -> list[PriceSeen]:
        """Amounts without a currency sign in elements classed as prices (bol.com shows
        ``<span class="promo-price">199<sup>99</sup></span>``): read only when no signed
        amount is the price, and only among the first such elements after the title."""
        out: list[PriceSeen] = []
        for el in _PRICE_CLASSED(title_el):
            if el in self.boxes:
                continue
            text = self.read(el, 40)
            if not text or not _BARE_AMOUNT.fullmatch(text):
                continue
            amount = to_decimal(text, self.currency, self.lang)
            where = self.where(el)
            if amount is None or not amount or where.skip or where.block is not None:
                continue
            out.append(PriceSeen(Money(amount, self.currency), _label(self.lead(el)),
                                 where.struck, anchor, True, where.kind, text, el))
        return out

    def lead(self, box: etree._Element) -> str:
        """Words just before the box: its previous sibling's text, or its parent's lead
        text, or (up to two levels up) those of its parent (``<dt>到手价</dt><dd><span>
        ￥2399</span></dd>``); nothing when they hold an amount (the words around it are
        its own) or are a heading (the title)."""
        el: Any = box
        for _ in range(3):
            prev, gap = el.getprevious(), ""
            while prev is not None and not is_element(prev):
                gap = (prev.tail or "") + gap
                prev = prev.getprevious()
            parent = el.getparent()
            if prev is not None:
                lead = self.read(prev, 80) or ""
                if tag_of(prev) in ("h1", "h2", "h3", "h4", "h5", "h6") or (
                        tag_of(prev) in BLOCK and len(lead) > 24):
                    lead = ""  # the title, or a line of its own: no label of this amount
                lead = lead[-40:] + clean(gap)
            else:
                lead = clean((parent.text or "") + gap) if parent is not None else clean(gap)
            if lead or prev is not None or parent is None or \
                    tag_of(parent) in ("body", "html"):
                break
            el = parent
        lead = lead[-40:]
        return "" if not lead or self.prices(lead) else lead + " "

    def trail(self, box: etree._Element) -> str:
        """Words just after the box, up to the next amount; those after its inline
        parent when the box ends it (``<span class="a-price"><span>$22.99</span></span>
        with Prime``)."""
        el: Any = box
        for _ in range(2):
            nxt = el.getnext()
            while nxt is not None and not is_element(nxt):
                nxt = nxt.getnext()
            parent = el.getparent()
            if clean(el.tail) or nxt is not None or parent is None or \
                    tag_of(parent) in BLOCK or tag_of(parent) in ("body", "html"):
                break
            el = parent
        tail = clean(el.tail)
        if not tail:
            nxt = el.getnext()
            while nxt is not None and not is_element(nxt):
                nxt = nxt.getnext()
            tail = (self.read(nxt, 60) or "") if nxt is not None else ""
            if self.prices(tail):
                return ""  # the next box's words are its own amount's
        found = self.prices(tail)
        tail = tail[:found[0][1]] if found else tail[:40]
        return "" if _LABEL_END.search(tail) else tail


def _mentioned(box: etree._Element, token: str) -> bool:
    """Whether ``token`` sits inside one text with words before and after it."""
    for text in islice(box.itertext(), 40):
        at = text.find(token)
        if at >= 0:
            return bool(_WORD.search(text, 0, at)) and bool(_WORD.search(text, at + len(token)))
    return False


def _outward(hits: list[int], anchor: int) -> Any:
    """``hits`` (sorted) nearest ``anchor`` first."""
    right = bisect_right(hits, anchor)
    left = right - 1
    while left >= 0 or right < len(hits):
        if right >= len(hits) or (left >= 0 and anchor - hits[left] <= hits[right] - anchor):
            yield hits[left]
            left -= 1
        else:
            yield hits[right]
            right += 1


def _is_struck(el: etree._Element) -> bool:
    return tag_of(el) in ("del", "s", "strike") or bool(words.STRUCK_CLASS.search(
        classes(el))) or \
        "line-through" in (el.get("style") or "")


def _real_link(a: etree._Element) -> bool:
    href = (a.get("href") or "").strip()
    return bool(href) and not href.startswith(("#", "javascript:")) and \
        not _IMAGE_HREF.search(href)


def _alike(el: etree._Element) -> list[etree._Element]:
    """The siblings of a variant picker's option that are options too (at most 20)."""
    near = [*islice(el.itersiblings(el.tag), 10),
            *islice(el.itersiblings(el.tag, preceding=True), 10)]
    return [c for c in near if words.VARIANT_CLASS.search(
        classes(c))]


def _selected(el: etree._Element) -> bool:
    """A variant marked as chosen, or the only one shown of several (the others hidden)."""
    if all(blocks.hidden(c) for c in _alike(el)):
        return True
    for node in (el, *islice(el.iterancestors(), 2)):
        if any((node.get(a) or "").lower() == "true"
               for a in ("aria-checked", "aria-selected", "aria-pressed", "aria-current")):
            return True
        if words.SELECTED_CLASS.search(classes(node)):
            return True
    return any(i.get("checked") is not None for i in el.iter("input"))


def _clause(before: str) -> str:
    """The words just before an amount: its clause, at most 40 characters."""
    m = _CLAUSE_END.match(before)
    return (before[m.end():] if m else before)[-40:]


def _label(before: str) -> str:
    """The words just before an amount, its clause ("京 东 价" is 京东价)."""
    return _CJK_GAP.sub("", clean(_clause(before)))


def _short(label: str) -> str | None:
    """A label as the record shows it: its last 24 characters, from a word's start."""
    if len(label) > 24:
        label = label[-24:]
        label = label.split(" ", 1)[1] if " " in label[:12] else label
    return label or None


def _kind(money: Money, before: str, after: str, where_kind: str) -> str | None:
    """``where_kind`` (``price`` or ``final``), ``excl`` (before VAT) or ``member`` (for
    members or card holders) for an amount that may be the price; None for one that is no
    price of this product (see the module)."""
    if money.amount <= 0:
        return None
    clause = _clause(before)
    tail = clause.rstrip()
    if words.ADD_ON.search(tail) or words.DISCOUNT.search(clause) or \
            words.CONVERTED.search(tail) or words.NOT_PRICE_AFTER.match(after):
        return None
    if words.FREE_SHIPPING.search(clause):
        if words.THRESHOLD.search(tail):
            return None  # "Free delivery on orders over $35": a threshold
        clause = words.FREE_SHIPPING.sub(" ", clause)
    other = None
    for other in words.NOT_PRICE.finditer(clause):  # noqa: B007 (the last one)
        continue
    if other is not None:
        rest = clause[other.end():]
        sale = words.SALE.search(rest)
        if not words.FINAL.search(rest) and not (
                sale and re.search(r"[.:：,，;；)）/]", rest[:sale.start()])):
            return None
    if words.UNIT.search(clause) or words.OTHER_OFFER.search(clause) or \
            words.SUBSCRIBE.search(clause) or words.SUBSCRIBE.search(after[:40]):
        return None
    if words.EXCL_VAT.search(clause) or words.EXCL_VAT_AFTER.match(after):
        return "excl"
    if (words.MEMBER.search(clause) or words.MEMBER.search(after[:30])) and \
            not words.NOT_MEMBER.search(clause) and not words.NOT_MEMBER.search(after[:30]):
        return "member"  # "57 990 ₽ c Ozon Картой", "PLUS会员价 ¥5899", "with Prime"
    if where_kind == "member" and (words.NOT_MEMBER.search(clause) or
                                   words.NOT_MEMBER.search(after[:30])):
        return "price"
    return where_kind


def _plain_only(label: str) -> bool:
    """A plain price label and no other word: 价格, 京东价, "Price:", not "Total price"."""
    m = words.PLAIN.search(label)
    return m is not None and not _WORD.search(label[:m.start()] + " " + label[m.end():])


def _adjacent(found: list[PriceSeen], text: str) -> None:
    """Two amounts in one box, neither labelled as a price, the higher one is the former
    price struck by a stylesheet: "<span>€60.00</span> €45.00", or the order shops like
    AliExpress and Ozon use, "59 990 ₽ 89 990 ₽" (then the higher one ends the box)."""
    if len(found) != 2:
        return
    first, second = found
    if first.struck or second.struck or first.money.currency != second.money.currency or \
            first.money.amount == second.money.amount or first.money.max_amount or \
            second.money.max_amount or first.kind != "price" or second.kind != "price" or \
            words.SALE.search(first.label) or words.FINAL.search(first.label):
        return
    start = text.find(first.text) + len(first.text)
    gap = text[start:text.find(second.text, start)]
    if first.money.amount > second.money.amount:
        if len(gap.strip()) <= 2:
            first.struck = True
    elif not words.SALE.search(gap) and not words.FINAL.search(gap) and \
            not re.search(r"\d", gap) and len(gap.strip()) <= 30 and \
            _DISCOUNT_ONLY.fullmatch(text[text.find(second.text, start) + len(second.text):]):
        second.struck = True


def _side_by_side(seen: list[PriceSeen], read: Any, prices: Any) -> None:
    """:func:`_adjacent` for amounts in two inline boxes side by side (``<span>€60.00
    </span> <span>€45.00</span>``): read together as their parent's text."""
    by_parent: dict[Any, list[PriceSeen]] = {}
    for p in seen:
        if p.box is not None and p.box.getparent() is not None:
            by_parent.setdefault(p.box.getparent(), []).append(p)
    for parent, found in by_parent.items():
        if len(found) != 2 or found[0].box is found[1].box:
            continue
        text = read(parent, 120)
        if text is None or len(prices(text)) != 2:
            continue
        if any(tag_of(p.box) in BLOCK for p in found) and _WORD.search(
                _DISCOUNT_ONLY.sub("", text.replace(found[0].text, "").replace(
                    found[1].text, ""))):
            continue  # two lines of their own: side by side only with nothing else
        found.sort(key=lambda p: text.find(p.text))
        _adjacent(found, text)


def displayed_prices(tree: etree._Element, currency: str | None,
                     title_el: etree._Element | None, lang: str | None = None
                     ) -> tuple[list[PriceSeen], int | None]:
    """The amounts the page shows and the title's position (None without a title)."""
    if tree.find("body") is None:
        return [], None
    page = PageText(tree, title_el)
    anchor = page.anchor()
    reader = _Reader(tree, page, currency, lang, title_el)
    seen = reader.run(anchor)
    if title_el is not None and not any(not p.struck for p in seen):
        seen += reader.unsigned(title_el, anchor)
    _side_by_side(seen, reader.read, reader.prices)
    blocks.note_passed_over(tree, page.text, reader.others)  # for the promises
    return seen, (anchor if title_el is not None else None)


def price_candidates(tree: etree._Element, currency: str | None,
                     title_el: etree._Element | None) -> list[Candidate]:
    """The displayed price (best scored) and original price candidates."""
    seen, anchor = displayed_prices(tree, currency, title_el, page_lang(tree))
    if not seen:
        return []
    live = [p for p in seen if not p.struck]
    members: list[PriceSeen] = []
    regular: set[int] = set()
    if any(p.kind not in ("excl", "member") for p in live):
        # before VAT, or for members only: not the price when another one is shown
        members = [p for p in seen if p.kind == "member" and not p.struck]
        seen = [p for p in seen if p.kind not in ("excl", "member")]
        if members and not any(not words.ORIGINAL.search(p.label) for p in seen
                               if not p.struck):
            # beside a member price, "Regular price" / обычная цена is what everyone pays
            regular = {id(p) for p in seen if not p.struck and words.REGULAR.search(p.label)}
    promo = [p.money for p in live if not p.mention and (
        words.PROMO.search(p.label) or words.FINAL.search(p.label))]
    scored: list[tuple[float, PriceSeen, str]] = []
    for p in seen:
        label = p.label
        original = p.struck or (bool(words.ORIGINAL.search(label)) and id(p) not in regular) or (
            # 价格 ¥3299 above 促销价 ¥2999: the plain label names the price before it (a
            # plain label alone: not "Total price" of a bundle)
            _plain_only(label) and
            any(m.currency == p.money.currency and m.amount < p.money.amount for m in promo))
        role = "original" if original else ("range" if p.money.max_amount else "price")
        score = 1.0
        if words.FINAL.search(label) and not p.mention:
            score += 4
        elif words.PROMO.search(label) and not p.mention:
            score += 2
        elif words.PLAIN.search(label) or p.kind == "final":
            score += 1.5
        score += 1.0 if p.priceish else 0
        score += 1.0 if p.struck else 0
        distance = abs(p.position - anchor) / 500 if anchor is not None else p.position / 2000
        score -= min(distance, 2.5)
        scored.append((score, p, role))
    out: list[Candidate] = []
    prices = sorted((s for s in scored if s[2] != "original"), key=lambda s: -s[0])
    for rank, (_score, p, role) in enumerate(prices[:6]):
        labelled = p.priceish or words.FINAL.search(p.label) or words.SALE.search(p.label)
        near = anchor is not None and abs(p.position - anchor) < 500
        # labelled or styled as a price: it beats markup (what the page shows wins); near
        # the title but bare: it beats a guess in script state, not markup
        weight = (3.5 if labelled else 2.75 if near else 2.0) if rank == 0 else 0.5
        out.append(Candidate("price", p.money, STRATEGY, role, _short(p.label), weight))
    # a struck or 原价-labelled amount before one that is original only by inference
    originals = sorted((s for s in scored if s[2] == "original"),
                       key=lambda s: -s[0] - 2 * bool(words.ORIGINAL.search(s[1].label) or
                                                      s[1].struck))
    for rank, (_score, p, _) in enumerate(originals[:3]):
        out.append(Candidate("original_price", p.money, STRATEGY, "original",
                             _short(p.label) or ("struck" if p.struck else None),
                             3.0 if rank == 0 else 0.5))
    for p in members[:2]:  # kept in price_candidates with their label, never voted for
        out.append(Candidate("price", p.money, STRATEGY, "member",
                             _short(p.label) or "member", 1.0))
    return out
