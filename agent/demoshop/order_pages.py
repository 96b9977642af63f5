"""The buyer's own order page: personal data (phone, e-mail, ID number, address) on show."""

from __future__ import annotations

from .layout import SHOP_NAME, esc, page

BUYER = {
    "name": "张小明",
    "phone": "138 1234 5678",
    "email": "xiaoming.zhang@example.com",
    "id": "110101199003074518",
    "address": "浙江省杭州市西湖区文三路90号3幢501室",
}


def order_2391() -> str:
    b = {k: esc(v) for k, v in BUYER.items()}
    body = f"""
<section class="card order" id="order-2391">
  <h1 class="section-title">订单详情 · 订单号 2391</h1>
  <p>店铺：{esc(SHOP_NAME)} · 商品：无线降噪蓝牙耳机 Pro 2代 · 实付 <b>¥199.00</b></p>
  <table class="buyer">
    <tr><th>收货人</th><td class="buyer-name">{b['name']}</td></tr>
    <tr><th>手机号</th><td class="buyer-phone">{b['phone']}</td></tr>
    <tr><th>邮箱</th><td class="buyer-email">{b['email']}</td></tr>
    <tr><th>实名认证</th><td class="buyer-id">{b['id']}</td></tr>
    <tr><th>收货地址</th><td class="buyer-address">{b['address']}</td></tr>
  </table>
  <p>订单状态：已发货 · 顺丰 SF1234567890</p>
</section>"""
    return page("订单详情 - 淘益购", body)
