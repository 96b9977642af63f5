"""English pages: listing 1002 (schema.org microdata, no JSON-LD) and the English home."""

from __future__ import annotations

from .layout import esc, page

ITEM_1002_TITLE = "Ceramic Pour-Over Coffee Set"


def item_1002() -> str:
    body = f"""
<div class="crumbs">Home &gt; Kitchen &gt; Coffee &amp; Tea</div>
<section class="card product" itemscope itemtype="https://schema.org/Product">
<div class="gallery">
  <img class="main-img" itemprop="image" src="/img/1002-main.svg" alt="{esc(ITEM_1002_TITLE)}">
</div>
<div class="summary">
  <h1 class="item-title" itemprop="name">{esc(ITEM_1002_TITLE)}</h1>
  <p class="subtitle">Brand: <span itemprop="brand" itemscope itemtype="https://schema.org/Brand">
    <span itemprop="name">Kiln &amp; Kettle</span></span></p>
  <meta itemprop="sku" content="CK-2040">
  <div class="meta-row">SKU: <span class="sku">CK-2040</span></div>
  <div class="price-box" itemprop="offers" itemscope itemtype="https://schema.org/Offer">
    <span class="label">Price</span>
    <span class="price"><span>$</span><span itemprop="price" content="39.99">39.99</span></span>
    <meta itemprop="priceCurrency" content="USD">
    <link itemprop="availability" href="https://schema.org/InStock">
    <span class="price-original">$54.00</span>
    <div class="stock-in availability">In stock</div>
    <span itemprop="seller" itemscope itemtype="https://schema.org/Organization">
      Sold by <a itemprop="url" href="/shop/s1">
      <span itemprop="name">Kiln &amp; Kettle Store</span></a>
    </span>
  </div>
  <div class="meta-row" itemprop="aggregateRating" itemscope
    itemtype="https://schema.org/AggregateRating">
    Rating <span itemprop="ratingValue">4.7</span> out of 5
    (<span itemprop="reviewCount">1284</span> reviews)</div>
  <div class="meta-row variants">
    <div>Color: Speckled White — <span class="stock-in">In stock</span></div>
    <div class="variant-oos">Color: Matte Black — <span class="stock-out">Out of stock</span></div>
  </div>
  <ul class="promises">
    <li class="promise">Free returns</li>
    <li class="promise">30-day return policy</li>
    <li class="promise">Free shipping on orders over $25</li>
    <li class="promise">Ships within 24 hours</li>
    <li class="promise">2-year warranty</li>
  </ul>
  <div class="btns"><a class="btn btn-buy" href="#">Add to cart</a></div>
</div>
</section>
<section class="card claims">
  <h2 class="section-title">About this item</h2>
  <p itemprop="description">Hand-glazed ceramic dripper, 600 ml carafe and two cups.
  Dishwasher safe. Fits #2 paper filters.</p>
  <p class="claim">Simply the best coffee set in the world.</p>
</section>
"""
    return page(f"{ITEM_1002_TITLE} | TaoYiGo", body, lang="en")


def en_home() -> str:
    body = """
<section class="card">
  <h1 class="section-title">Featured</h1>
  <div class="grid">
    <a class="tile" href="/item/1002"><img src="/img/1002-main.svg" alt="Coffee set">
      <div>Ceramic Pour-Over Coffee Set</div><div class="t-price">$39.99</div></a>
  </div>
  <p>Looking for the Chinese store? <a href="/">前往中文站</a></p>
</section>
"""
    return page("TaoYiGo — English", body, lang="en")
