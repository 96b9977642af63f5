"""Site-profile selectors: CSS run on the lxml tree, read as BeautifulSoup would read it."""

from __future__ import annotations

import random

import pytest
from bs4 import BeautifulSoup
from lxml import etree

from extractors import css
from extractors.html import clean, parse_page
from extractors.siteprofile import Selectors

PAGE = """<html><body>
<div class="sku-name">Foo<!-- c -->Bar<script>var x=1</script><style>.a{}</style><p>Baz</p> <b>Q</b></div>
<div class="summary-price"><div class="p-price"><span class="price">¥<del>99</del> 88.<i>50</i></span>
<span class="price origin">12</span></div></div>
<div id="store-prompt"><strong>有货</strong><template>T</template><ruby>漢<rt>kan</rt></ruby></div>
<div class="J-hove-wrap"><div class="name"><a href=" /s " rel="nofollow  noopener">Shop<br>Name</a></div></div>
<span id="dup">first</span><span id="dup">second</span>
<div class="Price--priceText--1">¥<span class="Price--priceText--2">12</span></div>
<span class="tb-amount-widget"><span class="mui-amount-unit">件</span><em>(库存 5 件)</em></span>
</body></html>"""


def _soup_values(spec: str) -> list[str]:
    """What the profiles were written against: soupsieve over BeautifulSoup."""
    sel, _, attr = spec.partition(" @")
    out = []
    for el in BeautifulSoup(PAGE, "lxml").select(sel, limit=5):
        value = el.get(attr) if attr else el.get_text("", strip=False)
        value = " ".join(value) if isinstance(value, list) else value
        if value and " ".join(value.split()):
            out.append(value)
    return out


@pytest.mark.parametrize("spec", [
    ".sku-name", ".summary-price .p-price .price", "#store-prompt", ".J-hove-wrap .name a",
    ".J-hove-wrap .name a @href", ".J-hove-wrap .name a @rel", "#dup", "[class*=Price--priceText]",
    ".tb-amount-widget .mui-amount-unit + em", "div > span.price:not(.origin)", "#nothing",
])
def test_values_read_as_beautifulsoup_reads_them(spec: str) -> None:
    tree, _ = parse_page(PAGE)
    assert Selectors(PAGE, tree).values(spec) == [clean(v) for v in _soup_values(spec)]


def test_struck_and_excluded_prices_are_left_out() -> None:
    tree, _ = parse_page(PAGE)
    sel = Selectors(PAGE, tree)
    assert sel.price_values(".p-price .price", []) == ["¥99 88.50"]
    assert sel.price_values(".p-price span", [".price"]) == []


def test_a_selector_cssselect_cannot_read_falls_back_to_soupsieve() -> None:
    tree, _ = parse_page(PAGE)
    assert css.compiled('div:-soup-contains("有货")') is None
    assert Selectors(PAGE, tree).values('div:-soup-contains("有货")') == ["有货漢"]


def _random_page(rnd: random.Random) -> str:
    def grow(depth: int) -> str:
        out = ""
        for _ in range(rnd.randint(0, 4 if depth < 4 else 0)):
            tag = rnd.choice(["div", "span", "a", "li", "ul", "p", "em"])
            attrs = ""
            if rnd.random() < 0.6:
                attrs += f' class="{rnd.choice(["a", "b a", "price", "p-price", "xprice", "A"])}"'
            if rnd.random() < 0.2:
                attrs += f' id="{rnd.choice(["i1", "i2", "i1"])}"'
            out += f"<{tag}{attrs}>t{grow(depth + 1)}</{tag}>"
        return out
    return "<html><body>" + grow(0) + "</body></html>"


def test_shortcuts_find_what_the_plain_xpath_finds() -> None:
    """Class-led selectors read from the class values, id-led ones from their element, and
    selectors whose names are absent skipped: the same elements as the selector's XPath
    run over the whole tree."""
    rnd = random.Random(17)
    selectors = [".a", ".a .b", ".p-price .price", "div.a", ".a + em", "li:first-child .a",
                 ".a:not(.b) span", "#i1", "#i1 .a", "#i2 > div", "[class*=pri] a", ".A",
                 "span, .a", "div *", ".a .a .a", ":not(div)", ".b:only-child", "#i9 .a"]
    for _ in range(400):
        tree, _ = parse_page(_random_page(rnd))
        matcher = css.Matcher(tree, etree.tostring(tree, encoding="unicode"))
        for selector in rnd.sample(selectors, 6):
            plain = [el for el in css.compiled(selector)(tree) if isinstance(el.tag, str)]
            assert matcher.select(selector, 5) == plain[:5], selector
