"""The page readers' quick paths give what the plain walks give."""

from __future__ import annotations

import random
import re

import pytest

from extractors import html as H
from extractors import jsobject
from extractors.html import AttrMatch, first_line, parse_page, visible_lines

BITS = ["<div>", "</div>", "<p>", "</p>", "<br>", "<span>", "</span>", "<script>x<y</script>",
        "<style>a{}</style>", "<!-- c -->", "<?pi x?>", "text", " ", "\n", "\x01", "&amp;",
        "&nbsp;", "<svg><text>s</text></svg>", "<body>", "</body>", "<head><title>t</title></head>",
        "<select><option>o</option></select>", "<li>", "<table><tr><td>a</td></tr></table>",
        "<noscript>ns</noscript>", "<template>tp</template>", "<iframe>if</iframe>", "中文",
        "\u3000", "<h1>", "</h1>", "<o:p>op</o:p>", "<html>", "</html>", "<!DOCTYPE html>"]


def _walked(root) -> list[str]:
    body = root.find("body")
    text = "".join(H.walk_text(body if body is not None else root) or [])
    return [line for line in (H.clean(x) for x in text.split("\n")) if line]


def test_visible_lines_read_as_the_python_walk_reads_them() -> None:
    rnd = random.Random(5)
    pages = ["".join(rnd.choice(BITS) for _ in range(rnd.randint(0, 60))) or "x"
             for _ in range(1500)]
    pages += ["<div>" * 3000 + "deep" + "</div>" * 3000,  # read again, flattened
              "<html><body>a</body></html><p>after the end</p><html><body>b</body></html>"]
    for page in pages:
        tree, _ = parse_page(page)
        assert visible_lines(tree) == _walked(tree), page


SELLER = re.compile(r"(?:shop|store|mall)[\w-]{0,10}name|seller|merchant", re.I)
TITLE = re.compile(r"(?:goods|item|product)[-_]?(?:title|name)(?![-_]?(?:wrap|box))", re.I)


@pytest.mark.parametrize("pattern,hints", [(SELLER, ()), (TITLE, ()),
                                           (SELLER, ("name", "seller", "merchant")),
                                           (TITLE, ("title", "name"))])
def test_attr_match_finds_every_element_whose_values_match(pattern, hints) -> None:
    rnd = random.Random(9)
    values = ["shopName", "store-name", "seller", "Seller-Info", "MERCHANT", "product-title",
              "product-title box", "product-titlewrap", "x", "ſhopName", "mall", "storeName",
              "item_name", "İtem-name"]
    match = AttrMatch(pattern, hints)
    for _ in range(300):
        body = "".join(f'<{rnd.choice(["div", "span", "a"])} {rnd.choice(["class", "id", "style"])}='
                       f'"{rnd.choice(values)}">t</div>' for _ in range(rnd.randint(1, 12)))
        tree, _ = parse_page(f"<html><body>{body}</body></html>")
        root = tree.find("body")
        want = [el for el in root.iter() if isinstance(el.tag, str) and any(
            pattern.search(el.get(a) or "") for a in ("class", "id", "style"))]
        got = set(match(root))
        assert all(el in got for el in want), body


def test_first_line_is_the_first_short_line_that_matches() -> None:
    pattern = re.compile(r"no longer available|已下架|shipping", re.I)
    rnd = random.Random(13)
    bits = ["No Longer Available", "已下架", "SHIPPING", "ſhipping", "İ", "ı", "x" * 30, "中文", " "]
    for _ in range(3000):
        lines = ["".join(rnd.choice(bits) for _ in range(rnd.randint(0, 4)))
                 for _ in range(rnd.randint(0, 6))]
        want = next(((ln, m.group()) for ln in lines if len(ln) <= 60
                     for m in [pattern.search(ln)] if m), None)
        assert first_line(lines, pattern, max_len=60) == want, lines


# The assignment regex the script reader used to run over every character of every script.
_OLD_ASSIGN = re.compile(
    r"(?:^|[;\s,(])(?:var\s+|let\s+|const\s+)?((?:window|self|globalThis)?\.?"
    r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[['\"][\w$]+['\"]\])*)\s*=\s*"
    r"(?:[A-Za-z_$][\w$.]*\s*\|\|\s*)?(JSON\.parse\(|[{\[])")


def test_assignments_are_found_as_the_old_regex_found_them() -> None:
    """Found from each ``=`` back to the name: the same assignments, less the empty
    ``{}``/``[]`` ones (never kept)."""
    rnd = random.Random(7)
    bits = ["var ", "let ", "window.", "a", "b1", "$x", "名", "x[\"k\"]", "[0]", ".", " ", "\n",
            "\u2009", "=", "==", "=>", "||", " || ", "{", "}", "[", "]", "(", ")", ";", ",",
            "\"", "'", "JSON.parse(", "{\"a\": 1}", "{}", "[]", "{ }", "1"]
    for _ in range(30000):
        body = "".join(rnd.choice(bits) for _ in range(rnd.randint(1, 40)))
        old = [(m.group(1), m.group(2), m.end()) for m in _OLD_ASSIGN.finditer(body)
               if not re.match(r"\s*[}\]]", body[m.end():]) or m.group(2).startswith("J")]
        assert list(jsobject._assignments(body)) == old, body


def test_state_objects_survive_the_empty_default() -> None:
    found = jsobject.script_objects([({}, 'window.app = window.app || {}; '
                                          'window.app = {"sku": "A1", "price": 9};')])
    assert found["app"] == {"sku": "A1", "price": 9}
