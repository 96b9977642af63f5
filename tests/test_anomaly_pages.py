"""Transaction anomalies in real Chromium (issue 14): each demo-shop page that shows one,
and its innocent twin that must not. Look-alike and official host names reach the local
demo shop through Chromium's ``--host-resolver-rules``; the HTTPS pages come from the same
shop behind TLS with a certificate made here."""
from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import sys
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from agent.demoshop import DemoShop
from agent.demoshop.anomaly_pages import (
    CARD_ACTION,
    CHATS,
    HOMOGRAPH,
    LOOKALIKE_FORM,
    LOOKALIKE_LINKS,
    OFFICIAL_LINKS,
    STEER_LINES,
)
from agent.demoshop.handler import Handler
from tests.conftest import run_cli

pytestmark = pytest.mark.browser

HOSTS = ("jd.com.pay-secure.top", HOMOGRAPH, "item.jd.com", "item.taobao.com",
         "www.demo-shop.test")


class _TlsShop(ThreadingHTTPServer):
    """The demo shop's own handler behind TLS (the handshake runs in the request's thread)."""

    daemon_threads = True

    def __init__(self, shop: DemoShop, context: ssl.SSLContext) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.shop = shop
        self.socket = context.wrap_socket(self.socket, server_side=True,
                                          do_handshake_on_connect=False)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Chromium's first handshake refuses the self-signed certificate: not an error."""
        if not isinstance(sys.exc_info()[1], ssl.SSLError | ConnectionError):
            super().handle_error(request, client_address)


def _tls_context(folder: Path) -> ssl.SSLContext:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "www.demo-shop.test")])
    now = dt.datetime.now(dt.UTC)
    san = x509.SubjectAlternativeName([x509.DNSName("www.demo-shop.test"),
                                       x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(san, critical=False).sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


@pytest.fixture(scope="module")
def tls_port(shop: DemoShop, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    server = _TlsShop(shop, _tls_context(tmp_path_factory.mktemp("tls")))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Every test host resolves to 127.0.0.1; any other name to nothing (never the internet)."""
    rules = ", ".join([*(f"MAP {host} 127.0.0.1" for host in HOSTS), "MAP * ~NOTFOUND",
                       "EXCLUDE 127.0.0.1"])
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    path.write_text(f'[browser]\nignore_https_errors = true\nextra_args = ["--host-resolver-rules={rules}"]\n',
                    "utf-8")
    return str(path)


@pytest.fixture(scope="module")
def urls(shop: DemoShop, tls_port: int) -> dict[str, str]:
    plain = f"http://127.0.0.1:{shop.port}/anomaly/"
    on = lambda host, path: f"http://{host}:{shop.port}/anomaly/{path}"  # noqa: E731
    secure = f"https://www.demo-shop.test:{tls_port}/anomaly/"
    return {
        "lookalike_host": on("jd.com.pay-secure.top", "item"),
        "homograph_host": on(HOMOGRAPH, "item"),
        "official_host": on("item.jd.com", "item"),
        "links": plain + "links",
        "links_official": plain + "links-official",
        "steer": on("item.taobao.com", "steer"),
        "steer_twin": on("item.taobao.com", "steer-twin"),
        "login": plain + "login",
        "search": plain + "search",
        "pay_form": secure + "pay-form",
        "pay_form_same": secure + "pay-form-same",
        "chat_steer": plain + "chat/steer",
        "chat_twin": plain + "chat/twin",
    }


@pytest.fixture(scope="module")
def captured(urls: dict[str, str], config: str,
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """name -> record, from two CLI runs (the listings, then the chats) into one store."""
    store = tmp_path_factory.mktemp("store")
    by_url: dict[str, dict[str, Any]] = {}
    for kind in ("listing", "chat"):
        names = [n for n in urls if n.startswith("chat_") == (kind == "chat")]
        result = run_cli("capture", *(urls[n] for n in names), "--kind", kind, "--json",
                         "--config", config, store=store, timeout=600)
        assert result.code == 0, result.err
        for line in result.json_lines():
            assert line["status"] == 200, (line["requested_url"], line["warnings"])
            record = line["record"]
            # a twin's empty list must mean "looked and found nothing", not "failed"
            assert "anomalies" in record
            assert not any("anomalies failed" in w for w in record.get("warnings") or []), record
            by_url[line["requested_url"]] = record
    return {name: by_url[url] for name, url in urls.items()}


def found(record: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [a for a in record["anomalies"] if a["code"] == code]


def test_lookalike_page_hosts_and_the_official_twin(captured) -> None:
    [page] = found(captured["lookalike_host"], "lookalike_domain")
    assert page["severity"] == "danger"
    assert page["evidence"]["where"] == "page"
    assert (page["evidence"]["host"], page["evidence"]["imitates"], page["evidence"]["how"]) == (
        "jd.com.pay-secure.top", "jd.com", "official_inside")
    assert "jd.com.pay-secure.top" in page["text"]["zh"] and "jd.com" in page["text"]["en"]
    [homograph] = found(captured["homograph_host"], "lookalike_domain")
    assert (homograph["evidence"]["host"], homograph["evidence"]["imitates"],
            homograph["evidence"]["how"]) == (HOMOGRAPH, "taobao.com", "homograph")
    # the same page on the platform's own host: nothing
    assert captured["official_host"]["title"] == captured["lookalike_host"]["title"]
    assert captured["official_host"]["anomalies"] == []


def test_lookalike_link_and_form_targets_and_the_official_twin(captured) -> None:
    hits = found(captured["links"], "lookalike_domain")
    got = {(a["evidence"]["where"], a["evidence"]["host"]): a for a in hits}
    assert set(got) == {("link", "taobao-vip.cn"), ("link", HOMOGRAPH), ("form", "tmal1.com")}
    assert got[("link", "taobao-vip.cn")]["evidence"]["url"] == LOOKALIKE_LINKS[0][0]
    assert got[("link", "taobao-vip.cn")]["evidence"]["how"] == "brand_lure"
    assert got[("link", HOMOGRAPH)]["evidence"]["imitates"] == "taobao.com"
    assert got[("form", "tmal1.com")]["evidence"]["url"] == LOOKALIKE_FORM
    assert got[("form", "tmal1.com")]["evidence"]["imitates"] == "tmall.com"
    assert all(a["severity"] == "danger" for a in hits)
    # the twin links item.jd.com, detail.tmall.com, m.tb.cn, a JD image host, WeChat Pay
    assert len(OFFICIAL_LINKS) == 5
    assert captured["links_official"]["anomalies"] == []


def test_offplatform_steering_on_a_listing_and_its_twin(captured) -> None:
    hits = found(captured["steer"], "offplatform_payment")
    assert [a["evidence"]["text"] for a in hits] == list(STEER_LINES)
    assert [a["severity"] for a in hits] == ["warning", "danger", "danger"]
    assert all(a["evidence"]["where"] == "page" for a in hits)
    assert any("转账到个人支付宝" in m for m in hits[1]["evidence"]["matched"])
    # 微信支付/支付宝 as the checkout's payment methods, and 请勿私下交易: nothing
    assert captured["steer_twin"]["anomalies"] == []


def test_seller_chat_steering_each_message_and_its_twin(captured) -> None:
    record = captured["chat_steer"]
    messages = {m["id"]: m for m in record["messages"]}
    assert [m["text"] for m in record["messages"]] == [text for _, _, text in CHATS["steer"]]
    hits = found(record, "offplatform_payment")
    texts = [a["evidence"]["text"] for a in hits]
    assert texts == ["亲，加我微信 aq8866521，给你算内部价", "有问题私聊哈，这里说话不方便",
                     "直接转账到我的银行卡就行，6222 0210 0000 1234，我马上发货"]
    assert [a["severity"] for a in hits] == ["warning", "warning", "danger"]
    for a in hits:  # each finding names its message, verbatim, and it is the seller's
        msg = messages[a["evidence"]["message_id"]]
        assert (msg["text"], msg["role"]) == (a["evidence"]["text"], "seller")
    # the buyer's own 要不我加个微信转账给你？ is not the seller steering
    assert not any("加个微信" in t for t in texts)
    [link] = found(record, "lookalike_domain")
    assert (link["evidence"]["where"], link["evidence"]["host"]) == ("chat", "jd.com.pay-secure.top")
    assert messages[link["evidence"]["message_id"]]["role"] == "seller"
    twin = captured["chat_twin"]
    assert len(twin["messages"]) == len(CHATS["twin"])
    assert any("微信支付" in m["text"] and m["role"] == "buyer" for m in twin["messages"])
    assert twin["anomalies"] == []


def test_insecure_forms_and_their_twins(captured) -> None:
    login = found(captured["login"], "insecure_form")
    assert [a["evidence"]["fields"] for a in login] == [["password"], ["id_number", "card"]]
    assert all(a["evidence"]["reasons"] == ["http_page"] and a["severity"] == "danger" for a in login)
    assert login[0]["evidence"]["url"].startswith("http://127.0.0.1:")
    [pay] = found(captured["pay_form"], "insecure_form")
    assert pay["evidence"]["reasons"] == ["other_domain"]
    assert pay["evidence"]["fields"] == ["card"]
    assert pay["evidence"]["target"] == CARD_ACTION
    assert "card-verify.example" in pay["text"]["zh"]
    # a search form over HTTP, and a card form posting to pay. of the page's own domain
    assert captured["search"]["anomalies"] == []
    assert captured["pay_form_same"]["anomalies"] == []
    assert captured["pay_form_same"]["url"].startswith("https://www.demo-shop.test:")
