"""The viewer's words in Chinese and English. Chinese first."""
from __future__ import annotations

LANGS = ("zh", "en")

WORDS: dict[str, tuple[str, str]] = {
    "app": ("检益拍 证据查看器", "jianyipai evidence viewer"),
    "targets": ("监控目标", "Targets"),
    "search": ("搜索网址或标题", "Search URL or title"),
    "filter": ("筛选", "Filter"),
    "all": ("全部", "All"),
    "status": ("状态", "Status"),
    "st_ok": ("正常", "ok"),
    "st_changed": ("有变化", "changed"),
    "st_blocked": ("被拦截", "blocked"),
    "st_failing": ("抓取失败", "failing"),
    "latest": ("最近一次", "Latest"),
    "captures": ("次抓取", "captures"),
    "title": ("标题", "Title"),
    "price": ("价格", "Price"),
    "original_price": ("原价", "Original price"),
    "seller": ("卖家", "Seller"),
    "availability": ("库存", "Availability"),
    "sku": ("SKU", "SKU"),
    "price_range": ("价格区间", "Price range"),
    "shipping": ("运费", "Shipping"),
    "rating": ("评分", "Rating"),
    "review_count": ("评价数", "Reviews"),
    "promises": ("卖家承诺", "Seller promises"),
    "claims": ("广告用语（待人工核查）", "Advertising claims (candidates for review)"),
    "timeline": ("时间线", "Timeline"),
    "price_chart": ("价格走势", "Price over time"),
    "changes": ("变化", "Changes"),
    "no_changes": ("与上一次相比没有变化", "No change from the previous capture"),
    "snapshot": ("快照", "Snapshot"),
    "captured_at": ("抓取时间 (UTC)", "Captured (UTC)"),
    "target": ("目标", "Target"),
    "final_url": ("最终网址", "Final URL"),
    "http_status": ("HTTP 状态", "HTTP status"),
    "server": ("服务器", "Server"),
    "tls": ("TLS 证书", "TLS certificate"),
    "warnings": ("提示", "Warnings"),
    "artifacts": ("证据文件", "Artifacts"),
    "download": ("下载", "Download"),
    "manifest": ("清单 (manifest)", "Manifest"),
    "hashes": ("SHA-256 指纹", "SHA-256 hashes"),
    "signature": ("签名", "Signature"),
    "timestamp": ("可信时间戳", "Trusted timestamp"),
    "present": ("有", "present"),
    "absent": ("无", "none"),
    "screenshot": ("整页截图", "Full-page screenshot"),
    "zoom": ("点击放大/缩小", "Click to zoom in/out"),
    "page_view": ("页面（沙箱中显示，脚本已禁用）", "Page (sandboxed, scripts disabled)"),
    "record": ("提取结果", "Extracted record"),
    "chat": ("聊天记录", "Chat transcript"),
    "export": ("导出 WACZ 证据包", "Export WACZ bundle"),
    "report_html": ("证据报告 (HTML)", "Evidence report (HTML)"),
    "report_pdf": ("证据报告 (PDF)", "Evidence report (PDF)"),
    "diff": ("对比", "Compare"),
    "diff_prev": ("与上一次对比", "Compare with previous"),
    "before": ("之前", "Before"),
    "after": ("之后", "After"),
    "field_changes": ("字段变化", "Field changes"),
    "promise_changes": ("承诺变化", "Promise changes"),
    "claim_changes": ("广告用语变化", "Claim changes"),
    "added": ("新增", "added"),
    "removed": ("删除", "removed"),
    "reworded": ("改写", "reworded"),
    "visual_diff": ("截图对比（变化处已框出）", "Visual diff (changes boxed)"),
    "text_diff": ("文字对比", "Text diff"),
    "prev_page": ("上一页", "Previous"),
    "next_page": ("下一页", "Next"),
    "page_n": ("第 {n} / {total} 页", "Page {n} of {total}"),
    "empty": ("仓库里还没有快照。先运行 jianyipai capture URL。", "No snapshots yet. Run jianyipai capture URL first."),
    "not_found": ("找不到", "Not found"),
    "kind": ("类型", "Kind"),
    "sender": ("发送者", "Sender"),
    "time": ("时间", "Time"),
    "withdrawn": ("已撤回", "withdrawn"),
    "lang_switch": ("English", "中文"),
    "store": ("证据仓库", "Store"),
    "id": ("编号", "Id"),
    "blocked_note": ("该页面是登录墙/验证码页面，不是商品页", "This page was a login wall / captcha, not the listing"),
}


def translator(lang: str):
    index = 1 if lang == "en" else 0

    def t(key: str, **kw: object) -> str:
        pair = WORDS.get(key)
        text = pair[index] if pair else key
        return text.format(**kw) if kw else text

    return t


def pick_lang(requested: str | None, cookie: str | None, accept: str | None) -> str:
    for choice in (requested, cookie):
        if choice in LANGS:
            return choice
    if accept and accept.lower().startswith("en"):
        return "en"
    return "zh"
