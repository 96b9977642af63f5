"""Structured data: each syntax read only where the page holds it, and read as extruct reads it."""

from __future__ import annotations

import json
from pathlib import Path

import extruct
import pytest
from extruct.rdfa import RDFaExtractor

from extractors import extract_listing
from extractors.decode import decode_html
from extractors.html import parse_page
from extractors.rdfa import rdfa_markup
from extractors.structured import _compact_rdfa, run_extruct

CORPUS = Path(__file__).parent / "corpus"
FILLER = "".join(f'<li><a href="/c/{i}" rel="nofollow">Category {i}</a></li>' for i in range(300))
MENU = "".join(f'<li><a href="/c/{i}">Category {i}</a></li>' for i in range(300))


def _no_rdfa(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("pyRdfa was run")
    monkeypatch.setattr(RDFaExtractor, "extract_items", refuse)


def test_opengraph_only_page_keeps_its_fields_without_rdfa(monkeypatch) -> None:
    _no_rdfa(monkeypatch)
    page = f"""<html prefix="og: http://ogp.me/ns#"><head>
    <meta property="og:title" content="Leather Wallet"><meta property="og:type" content="product">
    <meta property="og:image" content="https://img.example/w.jpg">
    <meta property="product:price:amount" content="59.00">
    <meta property="product:price:currency" content="USD"></head>
    <body vocab="http://schema.org/"><ul>{FILLER}</ul><h1>Leather Wallet</h1></body></html>"""
    record = extract_listing(page, "https://shop.example/p/1")
    assert record["price"] == {"amount": "59.00", "currency": "USD"}
    assert record["images"] == ["https://img.example/w.jpg"]
    assert not record["warnings"]


def test_rdfa_product_is_read_from_its_own_elements() -> None:
    page = f"""<html lang="en"><head><base href="https://shop.example/p/"></head><body>
    <ul>{MENU}</ul>
    <div vocab="http://schema.org/" typeof="Product"><h1 property="name">Oak Board</h1>
      <div rel="offers"><p>Buy</p><div typeof="Offer"><span property="price">38.00</span>
      <meta property="priceCurrency" content="GBP"></div></div>
      <a rel="image" href="board.jpg">photo</a></div></body></html>"""
    tree, _ = parse_page(page)
    cut = rdfa_markup(tree)
    assert cut is not None and "Category 7" not in cut and "Oak Board" in cut
    record = extract_listing(page, "https://shop.example/p/1")
    assert record["price"] == {"amount": "38.00", "currency": "GBP"}
    assert record["sources"]["price"] == "rdfa"


V = 'vocab="http://schema.org/"'
RDFA_PAGES = [
    # a hanging rel completed by a link deep inside it, and one by a typed child
    f'<html><body><div {V} typeof="Product"><span property="name">X <b>bold</b></span>'
    f'<div rel="offers"><p>t</p><div typeof="Offer"><span property="price">5</span></div></div>'
    f'<div rel="isRelatedTo"><p>x<a href="/other">o</a></p></div></div><p>filler</p></body></html>',
    # a product and its offer in two places, joined by about/resource
    f'<html><body {V}><div about="#p" typeof="Product"><span property="name">X</span>'
    f'<link property="offers" resource="#o"></div><div>junk</div><div about="#o" typeof="Offer">'
    f'<meta property="price" content="9"><meta property="priceCurrency" content="EUR"></div></body></html>',
    # prefixes on <html>, og: in the head, languages on elements that carry no RDFa
    '<html prefix="s: http://schema.org/ og: http://ogp.me/ns#"><head><meta property="og:title" '
    'content="T"></head><body><div lang="de"><section><div typeof="s:Product"><h1 property="s:name">'
    'N</h1><img property="s:image" src="/x.jpg"></div></section></div></body></html>',
    # literals with markup, <base>, and a product typed on an element that also has a property
    f'<html><head><base href="https://other.example/d/"></head><body><div {V} typeof="ItemList">'
    f'<div property="itemListElement" typeof="Product"><div property="description" '
    f'datatype="rdf:HTML"><p>Hi <b>there</b></p></div><a property="url" href="p.html">u</a></div>'
    f'</div></body></html>',
]


def _canonical(items: list) -> str:
    """pyRdfa names blank nodes at random and orders them by name: compare as sets."""
    def canon(o):
        if isinstance(o, list):
            return sorted((canon(x) for x in o), key=lambda x: json.dumps(x, sort_keys=True))
        if isinstance(o, dict):
            return {k: canon(v) for k, v in o.items()}
        return "_:b" if isinstance(o, str) and o.startswith("_:") else o
    return json.dumps(canon(_compact_rdfa(items)), sort_keys=True)


# Not named ``page``: that is pytest-playwright's fixture, and a parametrize of that name
# makes pytest regroup the browser tests into the middle of the run.
@pytest.mark.parametrize("html", RDFA_PAGES + [
    p.read_text(encoding="utf-8") for p in sorted(CORPUS.rglob("*.html"))
    if b"typeof=" in p.read_bytes() and b"charset=gb" not in p.read_bytes().lower()])
def test_rdfa_of_the_cut_page_is_the_whole_pages(html: str) -> None:
    tree, _ = parse_page(html)
    whole = extruct.extract(html, base_url="https://shop.example/", syntaxes=["rdfa"],
                            uniform=True)["rdfa"]
    cut = rdfa_markup(tree)
    part = extruct.extract(cut, base_url="https://shop.example/", syntaxes=["rdfa"],
                           uniform=True)["rdfa"] if cut else []
    assert _canonical(part) == _canonical(whole)


@pytest.mark.parametrize("path", sorted((CORPUS / "listings").glob("*.html")), ids=lambda p: p.stem)
def test_opengraph_and_json_ld_as_extruct_reads_them(path: Path) -> None:
    text = decode_html(path.read_bytes()).text
    tree, _ = parse_page(text)
    data, _warnings = run_extruct(text, "https://shop.example/item/1", tree)
    theirs = extruct.extract(tree, base_url="https://shop.example/item/1",
                             syntaxes=["opengraph", "json-ld"], uniform=True)
    assert data["opengraph"] == theirs["opengraph"]
    assert data["json-ld"] == theirs["json-ld"]


def test_broken_json_ld_names_its_script_among_all_scripts() -> None:
    page = ('<html><head><script>var a = 1;</script><script type="application/ld+json">{"@type": '
            '"Product", "name": "A"}</script><script type="application/ld+json">{oops</script>'
            '</head><body></body></html>')
    tree, _ = parse_page(page)
    data, warnings = run_extruct(page, None, tree)
    assert [i["name"] for i in data["json-ld"]] == ["A"]
    assert warnings == ["json-ld: unreadable structured data in script 3 (JSONDecodeError)"]
