"""Checkout pages (issue 14): what a buyer sees before paying, for ``--kind checkout``.

- ``/checkout/fair``: listing 1001 at its listed price, free shipping, 运费险 offered
  unticked and 延保 whose ``checked`` attribute a script clears at load (the shop restoring
  the buyer's earlier choice): nothing to find.
- ``/checkout/surprise``: listing 1001 dearer than listed, an unannounced 服务费, and two
  paid add-ons ticked by default: 碎屏险 by its ``checked`` attribute, 运费险 by a script
  after load (the saved HTML shows that box unticked).
- ``/en/checkout``: an English one-page checkout for listing 1002 at its price, with an
  extended warranty switched on by default (``role=switch aria-checked``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .catalog import ITEM_1001, ITEM_1001_SKU, ITEM_1001_TITLE
from .en_pages import ITEM_1002_TITLE
from .layout import SHOP_NAME, esc, page

if TYPE_CHECKING:
    from .server import DemoShop

Answer = tuple[int, "bytes | str", str, dict[str, str]]  # status, body, content type, headers
HTML = "text/html; charset=utf-8"


def answer(shop: DemoShop, host: str, path: str, query: dict[str, str]) -> Answer | None:
    """This module's page for path (on host, the Host header without its port), or None."""
    pages = {"/checkout/fair": fair, "/checkout/surprise": surprise, "/en/checkout": english}
    if path in pages:
        return 200, pages[path](), HTML, {"Cache-Control": "no-store"}
    return None


def _address() -> str:
    return """<section class="card address"><h2 class="section-title">收货地址</h2>
  <p>张** 138****5678 广东省深圳市南山区**路**号</p></section>"""


def fair() -> str:
    """A JD-style 结算页 (divs): price as listed, nothing ticked that costs money."""
    price = ITEM_1001[1].price
    body = f"""
<h1 class="section-title">填写并核对订单信息</h1>
{_address()}
<section class="card order-items">
  <div class="shop-name">{esc(SHOP_NAME)}</div>
  <div class="goods-item" data-sku="{ITEM_1001_SKU}">
    <img src="/img/1001-main.png" alt="" width="80" height="80">
    <div class="p-name"><a href="/item/1001">{esc(ITEM_1001_TITLE)}</a></div>
    <div class="p-attr">颜色：曜石黑</div>
    <div class="p-price">¥{price}</div>
    <div class="p-num">×1</div>
  </div>
  <div class="services">
    <label class="service-item"><input type="checkbox" id="svc-freight" name="freight_insurance">
      退货运费险 ¥1.50 <small>退货时补贴运费</small></label>
    <label class="service-item"><input type="checkbox" id="svc-warranty" name="warranty" checked>
      延长保修 1年 ¥39.00</label>
  </div>
</section>
<section class="card order-summary">
  <div class="row"><span>商品总价</span><span>¥{price}</span></div>
  <div class="row"><span>运费</span><span>免运费</span></div>
  <div class="row total"><span>应付总额：</span><b>¥{price}</b></div>
  <a class="btn btn-buy" href="#">提交订单</a>
</section>
<script>
  // the shop restores the buyer's earlier choice: no extended warranty
  document.getElementById('svc-warranty').checked = false;
</script>"""
    return page("订单结算页 - 淘益购", body)


def surprise() -> str:
    """A Taobao-style 确认订单 (a table): dearer than the listing, a 服务费 the listing
    never mentioned, 碎屏险 ticked by attribute and 运费险 ticked by a script."""
    body = f"""
<h1 class="section-title">确认订单信息</h1>
{_address()}
<section class="card order">
  <table class="order-table">
    <thead><tr><th>店铺宝贝</th><th>商品属性</th><th>单价</th><th>数量</th><th>小计</th></tr></thead>
    <tbody>
      <tr class="item-row">
        <td><a class="item-link" href="/item/1001?spm=a21n57.1.0.0&amp;scm=1007.40986.1">
          {esc(ITEM_1001_TITLE)}</a></td>
        <td>颜色分类：曜石黑</td>
        <td>¥229.00</td>
        <td>1</td>
        <td>¥229.00</td>
      </tr>
    </tbody>
  </table>
  <div class="addons">
    <div class="addon"><label><input type="checkbox" id="freight-ins" name="freight_ins">
      退货运费险 ¥3.00</label> <span class="tip">确认收货前退货可赔付运费</span></div>
    <div class="addon"><label><input type="checkbox" id="screen-ins" name="screen_ins" checked>
      碎屏险 ¥29.00</label> <span class="tip">一年内屏幕意外碎裂免费换新</span></div>
  </div>
  <div class="fees">
    <p>运费：快递 免邮</p>
    <p>服务费：¥10.00</p>
    <p>店铺合计(含运费)：¥271.00</p>
  </div>
  <div class="pay">实付款：<b class="price">¥271.00</b></div>
  <a class="btn btn-buy" href="#">提交订单</a>
</section>
<script>
  // ticked after load: the saved HTML still shows the box unticked
  window.addEventListener('load', () => setTimeout(() => {{
    document.getElementById('freight-ins').checked = true;
  }}, 200));
</script>"""
    return page("确认订单 - 淘益购", body)


def english() -> str:
    """A Shopify-like one-page checkout: no item links, a SKU line, a warranty switch."""
    body = f"""
<h1 class="section-title">Checkout</h1>
<section class="card contact"><h2 class="section-title">Delivery</h2>
  <p>J. D*** · 1** Main St, Springfield</p></section>
<section class="card order-summary" aria-label="Order summary">
  <table class="product-table">
    <tr class="product" data-variant-id="40012">
      <td class="product__quantity">1</td>
      <td class="product__description">
        <span class="product__description__name">{esc(ITEM_1002_TITLE)}</span>
        <span class="product__description__variant">Speckled White</span>
        <span class="product__sku">SKU: CK-2040</span></td>
      <td class="product__price">$39.99</td>
    </tr>
  </table>
  <div class="protection">
    <span id="warranty-label">Extended warranty, 2 years (+$6.99)</span>
    <button type="button" class="switch" role="switch" aria-checked="true"
      aria-labelledby="warranty-label"></button>
  </div>
  <table class="total-lines">
    <tr><th>Subtotal</th><td>$39.99</td></tr>
    <tr><th>Shipping</th><td>FREE</td></tr>
    <tr><th>Extended warranty</th><td>$6.99</td></tr>
    <tr><th>Estimated taxes</th><td>$3.76</td></tr>
    <tr class="grand"><th>Total</th><td>USD $50.74</td></tr>
  </table>
  <a class="btn btn-buy" href="#">Pay now</a>
</section>"""
    return page("Checkout - TaoYiGo", body, lang="en")
