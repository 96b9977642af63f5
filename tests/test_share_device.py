"""Pasted share texts, `--device` and mobile hosts: the parsing of what users paste, and
`jianyipai capture` in real Chromium against the demo shop, a mobile host name mapped to it
with Chromium's --host-resolver-rules."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from agent.capture.browser import find_device, mobile_host, playwright_devices, wanted_device
from agent.errors import UsageError
from agent.settings import load
from agent.urls import Pasted, find_link, read_share, read_targets, taobao_password
from storage import Store
from tests.conftest import assert_one_line_error, run_cli

TAOBAO = "【淘宝】https://m.tb.cn/h.5Xyz?tk=AbCd 「无线蓝牙耳机」点击链接直接打开 或者 淘宝搜索直接打开"

SHARES = [
    (TAOBAO, "https://m.tb.cn/h.5Xyz?tk=AbCd"),
    ("【淘宝】假一赔四 https://e.tb.cn/h.TXyz1AbC?tk=Qw3e4R HU9046 「某品牌无线降噪蓝牙耳机」\n"
     "点击链接直接打开 或者 淘宝搜索直接打开", "https://e.tb.cn/h.TXyz1AbC?tk=Qw3e4R"),
    ("￥AbCd1234￥ https://m.tb.cn/h.abc12 「蓝牙耳机」", "https://m.tb.cn/h.abc12"),
    ("【天猫】https://m.tb.cn/h.gHiJ?tk=Zz9「官方旗舰店 耳机」", "https://m.tb.cn/h.gHiJ?tk=Zz9"),
    ("【京东】https://3.cn/1x-AbCd「某品牌 蓝牙耳机」\n----------\n复制整段话 打开京东",
     "https://3.cn/1x-AbCd"),
    ("好物分享，https://item.m.jd.com/product/100012345678.html，快来看看",
     "https://item.m.jd.com/product/100012345678.html"),
    ("【拼多多】￥9.9 某品牌数据线 https://mobile.yangkeduo.com/goods.html?goods_id=123456&page_from=35"
     " 复制链接在浏览器打开", "https://mobile.yangkeduo.com/goods.html?goods_id=123456&page_from=35"),
    ("【闲鱼】https://m.tb.cn/h.5abcDE?tk=XyZ12 CZ0001 「我在闲鱼发布了【iPhone 13 128G】」\n点击链接直接打开",
     "https://m.tb.cn/h.5abcDE?tk=XyZ12"),
    ("7.43 复制打开抖音，看看【某品牌官方旗舰店的商品】好物推荐 https://v.douyin.com/iRNBdXyz/ a@A.Gv 01/12 mDH:/",
     "https://v.douyin.com/iRNBdXyz/"),
    ("【美团】我在美团发现了一家好店，https://dpurl.cn/aBcD1234 快来看看吧！", "https://dpurl.cn/aBcD1234"),
    ("Check out this deal on Amazon: https://a.co/d/1AbCdEf", "https://a.co/d/1AbCdEf"),
    ("Amazon.com: Wireless Earbuds https://www.amazon.com/dp/B0ABCDEFGH?ref=cm_sw_r_cp.",
     "https://www.amazon.com/dp/B0ABCDEFGH?ref=cm_sw_r_cp"),
    ("Check out this item on eBay! https://ebay.us/xyz", "https://ebay.us/xyz"),
    ("Look at this (https://ebay.us/xyz), cheap!", "https://ebay.us/xyz"),
    ("see https://en.wikipedia.org/wiki/Taobao_(website) please", "https://en.wikipedia.org/wiki/Taobao_(website)"),
    ("【淘宝】https://m.tb.cn/h.5Xyz\u3000「耳机」", "https://m.tb.cn/h.5Xyz"),
    ("（链接：https://m.tb.cn/h.5Xyz）", "https://m.tb.cn/h.5Xyz"),
    ("“https://m.tb.cn/h.5Xyz”复制到浏览器", "https://m.tb.cn/h.5Xyz"),
    ('"https://ebay.us/xyz"', "https://ebay.us/xyz"),
    ("快戳👉https://m.tb.cn/h.5Xyz👈", "https://m.tb.cn/h.5Xyz"),
    ("百科 https://baike.example/词条/淘宝网 介绍", "https://baike.example/词条/淘宝网"),
    ("HTTPS://M.TB.CN/h.5Xyz 大写", "HTTPS://M.TB.CN/h.5Xyz"),
    ("https://m.tb.cn/h.first 下载淘宝App https://www.taobao.com/app", "https://m.tb.cn/h.first"),
    ("http:// 不是链接 https://m.tb.cn/h.second", "https://m.tb.cn/h.second"),
]


@pytest.mark.parametrize("text, url", SHARES)
def test_the_first_link_of_a_share_text_is_the_page(text, url) -> None:
    assert find_link(text) == url
    got = read_share(text)
    assert got == Pasted(url, text.strip())


def test_a_url_alone_has_no_share_text() -> None:
    assert read_share(" https://item.jd.com/100012345678.html ") == \
        Pasted("https://item.jd.com/100012345678.html")


@pytest.mark.parametrize("text", [
    "￥AbCd1234￥", "€AbCd1234€", "(AbCd1234)", "（Ab12Cd34Ef）",
    "复制这条信息₳wxBRYUGbqNs₳后打开👉手淘👈",
    "【淘宝】$Xy7Zz8Qq9$ 「无线蓝牙耳机」点击链接直接打开",
])
def test_a_taobao_password_without_a_link_says_it_opens_only_in_the_app(text) -> None:
    assert taobao_password(text)
    with pytest.raises(UsageError, match="Taobao app"):
        read_share(text)


@pytest.mark.parametrize("text", ["无线蓝牙耳机 点击链接直接打开", "(Bluetooth) earbuds", "not a url"])
def test_a_text_without_a_link_is_an_error(text) -> None:
    assert taobao_password(text) is None
    with pytest.raises(UsageError, match="no http"):
        read_share(text)


def test_unquoted_share_text_words_join_the_link_near_them() -> None:
    """What a shell makes of a share text pasted without quotes."""
    words = TAOBAO.split()
    assert len(words) > 3
    assert read_targets(words) == ([Pasted("https://m.tb.cn/h.5Xyz?tk=AbCd", TAOBAO)], [])
    ebay = "Check out this item on eBay! https://ebay.us/xyz"  # words before the link
    assert read_targets(ebay.split()) == ([Pasted("https://ebay.us/xyz", ebay)], [])
    # two share texts and a bare URL: each link its own page, its words with it
    args = ["【京东】https://3.cn/1x-AbCd", "「蓝牙耳机」", "https://item.jd.com/1.html",
            *TAOBAO.split()]
    pages, errors = read_targets(args)
    assert errors == []
    assert pages == [Pasted("https://3.cn/1x-AbCd", "【京东】https://3.cn/1x-AbCd 「蓝牙耳机」"),
                     Pasted("https://item.jd.com/1.html"),
                     Pasted("https://m.tb.cn/h.5Xyz?tk=AbCd", TAOBAO)]


def test_arguments_meant_as_addresses_are_still_checked() -> None:
    pages, errors = read_targets(["https://a.example/", "shop.example/item/1", "ftp://h/f",
                                  "javascript:alert(1)", "点击链接直接打开"])
    assert pages == [Pasted("https://a.example/", "https://a.example/ 点击链接直接打开")]
    assert [e.split(" ")[:2] for e in errors] == [["not", "a"], ["unsupported", "URL"],
                                                  ["unsupported", "URL"]]
    assert "no http:// or https://" in errors[0]
    pages, errors = read_targets(["￥AbCd1234￥", "「无线蓝牙耳机」"])
    assert pages == [] and len(errors) == 1 and "Taobao app" in errors[0]


def test_file_urls_need_allow_file(tmp_path) -> None:
    saved = tmp_path / "saved.html"
    saved.write_text("<p>x</p>", "utf-8")
    with pytest.raises(UsageError, match="--allow-file"):
        read_share(saved.as_uri())
    assert read_share(saved.as_uri(), allow_file=True) == Pasted(saved.as_uri())


@pytest.mark.parametrize("host, mobile", [
    ("m.tb.cn", True), ("e.tb.cn", True), ("m.taobao.com", True), ("h5.m.taobao.com", True),
    ("m.jd.com", True), ("item.m.jd.com", True), ("3.cn", True), ("mobile.yangkeduo.com", True),
    ("m.tmall.com", True), ("h5.waimai.meituan.com", True), ("M.JD.COM", True),
    ("item.jd.com", False), ("www.taobao.com", False), ("detail.tmall.com", False),
    ("am.jd.com", False), ("notb.cn", False), ("ebay.us", False), ("www.amazon.com", False),
])
def test_mobile_hosts_by_pattern(host, mobile) -> None:
    settings = load(env={})
    url = f"https://{host}/item/1"
    assert (mobile_host(settings, url) is not None) == mobile
    wanted = wanted_device(settings, url, None)
    assert wanted == (("iPhone 13", f"mobile host {host.lower()}") if mobile else None)
    assert wanted_device(settings, url, "Pixel 7") == ("Pixel 7", "--device")


@pytest.fixture(scope="module")
def devices() -> dict:
    return playwright_devices()


def test_device_names_and_close_names(devices) -> None:
    phone = find_device(devices, "iphone  13", "--device")
    assert phone.name == "iPhone 13"
    opts = phone.options()
    assert opts["is_mobile"] and opts["has_touch"] and opts["device_scale_factor"] == 3
    assert opts["viewport"]["width"] == 390 and "iPhone" in opts["user_agent"]
    with pytest.raises(UsageError) as err:
        find_device(devices, "iPhone 99", "--device")
    assert "iPhone" in str(err.value).split("did you mean:")[1]
    assert "\n" not in str(err.value)


# -- the command line, in real Chromium --------------------------------------------------

@pytest.fixture
def mobile_config(shop, tmp_path) -> Path:
    """m.demo.test is the demo shop, as a mobile host."""
    port = shop.url.rsplit(":", 1)[1]
    path = tmp_path / "mobile.toml"
    path.write_text(
        "[browser]\n"
        f'extra_args = ["--host-resolver-rules=MAP m.demo.test 127.0.0.1:{port}"]\n'
        "[capture]\nsettle = 3.0\nquiet_ms = 300\n", "utf-8")
    return path


def _text(store: Path, snapshot_id: str) -> str:
    with Store(store, create=False) as s:
        return s.artifact(snapshot_id, "text").decode("utf-8")


def _shot_width(store: Path, snapshot_id: str) -> int:
    with Store(store, create=False) as s:
        return Image.open(io.BytesIO(s.artifact(snapshot_id, "screenshot"))).width


@pytest.mark.browser
def test_share_text_on_a_mobile_host_is_captured_as_a_phone(shop, store_dir, mobile_config) -> None:
    """A batch of a share text whose short link is on a mobile host (a phone, by the rule)
    and the same mobile page on a desktop host (a desktop): each capture its own device."""
    share = "【淘宝】http://m.demo.test/h.5Xyz?tk=AbCd 「无线蓝牙耳机」点击链接直接打开 或者 淘宝搜索直接打开"
    desktop = f"{shop.url}/m/item/5Xyz"
    result = run_cli("capture", share, desktop, "--json", "--config", str(mobile_config), store=store_dir)
    assert result.code == 0, result.err
    phone, pc = result.json_lines()
    assert phone["shared_text"] == share
    assert phone["target"]["url"] == phone["requested_url"] == "http://m.demo.test/h.5Xyz?tk=AbCd"
    assert phone["redirects"] == [{"url": "http://m.demo.test/h.5Xyz?tk=AbCd", "status": 302}]
    assert phone["final_url"] == "http://m.demo.test/m/item/5Xyz?tk=AbCd"
    assert phone["device"]["name"] == "iPhone 13"
    assert phone["device"]["why"] == "mobile host m.demo.test"
    assert phone["device"]["mobile"] is True and phone["device"]["touch"] is True
    assert phone["viewport"] == phone["device"]["viewport"] == {"width": 390, "height": 664}
    assert "iPhone" in phone["user_agent"]
    assert "手机访问 · 390×664 · DPR 3 · 触屏" in _text(store_dir, phone["id"])
    assert _shot_width(store_dir, phone["id"]) == 390  # one image px per CSS px at DPR 3
    assert phone["record"]["price"]["amount"] == "199.00"

    assert "device" not in pc and "shared_text" not in pc
    assert pc["viewport"] == {"width": 1280, "height": 900}
    assert "电脑访问 · 1280×900 · DPR 1 · 无触屏" in _text(store_dir, pc["id"])


@pytest.mark.browser
def test_device_option_and_an_unquoted_paste(shop, store_dir, mobile_config) -> None:
    """--device for every page of the batch: a share text pasted without quotes, and a page
    too tall for one shot, shot at one image px per CSS px (at the phone's ratio of 2.625 a
    part of single_shot_max CSS px would be past what Chromium paints in one piece)."""
    words = ["Check", "out", "this", "item", "on", "eBay!", f"{shop.url}/h.Ab12"]
    result = run_cli("capture", *words, f"{shop.url}/item/tall", "--device", "pixel 7", "--json",
                     "--config", str(mobile_config), store=store_dir)
    assert result.code == 0, result.err
    line, tall = result.json_lines()
    assert line["shared_text"] == " ".join(words)
    assert line["final_url"] == f"{shop.url}/m/item/Ab12"
    assert line["device"]["name"] == "Pixel 7" and line["device"]["why"] == "--device"
    assert line["viewport"] == {"width": 412, "height": 839}
    assert "手机访问 · 412×839 · DPR 2.625 · 触屏" in _text(store_dir, line["id"])
    assert tall["device"]["name"] == "Pixel 7" and "shared_text" not in tall
    [stitched] = [w for w in tall["warnings"] if "stitched" in w]
    height = int(stitched.split("page is ")[1].split(" px")[0])
    assert height > 16384
    with Store(store_dir, create=False) as s:
        shot = Image.open(io.BytesIO(s.artifact(tall["id"], "screenshot")))
        assert shot.size == (412, height)


@pytest.mark.browser
def test_mobile_hosts_can_be_switched_off(shop, store_dir, mobile_config) -> None:
    config = mobile_config.read_text("utf-8") + "mobile_hosts = []\n"
    mobile_config.write_text(config, "utf-8")
    result = run_cli("capture", "http://m.demo.test/h.5Xyz", "--json", "--config", str(mobile_config),
                     store=store_dir)
    assert result.code == 0, result.err
    [line] = result.json_lines()
    assert "device" not in line
    assert "电脑访问" in _text(store_dir, line["id"])


@pytest.mark.parametrize("args, says", [
    (["无线蓝牙耳机 点击链接直接打开 或者 淘宝搜索直接打开"], "no http(s) link"),
    (["「无线蓝牙耳机」点击链接直接打开", "或者", "淘宝搜索直接打开"], "no http(s) link"),
    (["￥AbCd1234￥ 「无线蓝牙耳机」点击链接直接打开"], "Taobao app"),
    (["(AbCd1234)"], "Taobao app"),
    ([TAOBAO, "--device", "iPhone 99"], "unknown device 'iPhone 99'"),
    (["https://m.jd.com/item/1"], "unknown device 'Nokia 3310' (mobile host m.jd.com)"),
])
def test_bad_input_is_one_line_and_stores_nothing(args, says, store_dir, tmp_path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[capture]\nmobile_device = "Nokia 3310"\n', "utf-8")
    result = run_cli("capture", *args, "--config", str(config), store=store_dir)
    assert_one_line_error(result)
    assert says in result.err
    assert len([line for line in result.err.splitlines() if line.strip()]) == 1
    assert result.out == ""
    assert not store_dir.exists()


def test_watch_targets_take_a_device(tmp_path) -> None:
    config = tmp_path / "watch.toml"
    config.write_text('[[targets]]\nurl = "https://item.m.jd.com/1.html"\nevery = "6h"\n'
                      'device = "Pixel 7"\n', "utf-8")
    [target] = load(config, env={}).section("targets")
    assert target.device == "Pixel 7"
