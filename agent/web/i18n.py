"""The viewer's words in Chinese and English. Chinese first."""
from __future__ import annotations

from storage.evidence.anomaly_view import NOTE_EN, NOTE_ZH, SEVERITY_WORDS

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
    "last_changed": ("最近一次变化", "Last changed"),
    "never_changed": ("抓取以来没有变化", "No change since the first capture"),
    "more_changes": ("另有 {n} 项变化", "{n} more"),
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
    "empty": ("仓库里还没有快照。在上面粘贴商品链接，按“保存证据”。",
              "No snapshots yet. Paste a link above and press Save evidence."),
    "not_found": ("找不到", "Not found"),
    "kind": ("类型", "Kind"),
    "sender": ("发送者", "Sender"),
    "time": ("时间", "Time"),
    "withdrawn": ("已撤回", "withdrawn"),
    "lang_switch": ("English", "中文"),
    "store": ("证据仓库", "Store"),
    "id": ("编号", "Id"),
    "blocked_note": ("该页面是登录墙/验证码页面，不是商品页", "This page was a login wall / captcha, not the listing"),
    "anomalies": ("异常提示（待人工核查）", "Anomalies (candidates for review)"),
    "anomalies_n": ("异常 {n} 项", "Anomalies: {n}"),
    "anomalies_note": (NOTE_ZH, NOTE_EN),
    "evidence": ("依据", "Evidence"),
    **{f"sev_{key}": words for key, words in SEVERITY_WORDS.items()},
    # capture from the viewer, jobs, complaints (agent.web.actions)
    "capture_box": ("保存证据", "Save evidence"),
    "paste_label": ("粘贴商品链接，或购物 App 里“分享”复制的整段文字（多个链接每行一个）",
                    "Paste a link, or the whole message a shopping app's Share copied "
                    "(several links: one a line)"),
    "paste_hint": ("例如：【淘宝】https://m.tb.cn/h.5Xyz?tk=AbCd「无线蓝牙耳机」点击链接直接打开",
                   "e.g. Check out this item on eBay! https://ebay.us/xyz"),
    "kind_listing": ("商品页", "Listing"),
    "kind_chat": ("与卖家的聊天", "Chat with the seller"),
    "kind_checkout": ("下单/结算页", "Checkout page"),
    "save_evidence": ("保存证据", "Save evidence"),
    "paste_empty": ("没有粘贴任何内容。", "Nothing was pasted."),
    "paste_no_link": ("没有找到链接：请粘贴以 http:// 或 https:// 开头的链接，或 App 里“分享”→“复制链接”得到的文字。",
                      "No link found: paste a link starting with http:// or https://, or the text "
                      "an app's Share → Copy link gives."),
    "paste_tkl": ("这是淘口令，只能在淘宝 App 里打开：请在 App 里点“分享”→“复制链接”，再粘贴到这里。",
                  "This is a Taobao share code (淘口令), which only the Taobao app opens: in the app, "
                  "use Share → Copy link and paste that here."),
    "paste_bad_url": ("这个链接无法保存。", "This link cannot be captured."),
    "nothing_stored": ("没有保存任何内容。", "Nothing was stored."),
    "job_capture": ("正在保存证据", "Saving evidence"),
    "job_complaint": ("正在生成投诉材料", "Making the complaint materials"),
    "ph_queued": ("排队中", "queued"),
    "ph_loading": ("正在打开页面", "loading the page"),
    "ph_scrolling": ("正在滚动加载", "scrolling"),
    "ph_saving": ("正在保存", "saving"),
    "ph_writing": ("正在生成", "writing"),
    "ph_done": ("完成", "done"),
    "ph_failed": ("失败", "failed"),
    "job_failed": ("未能完成", "Could not be completed"),
    "job_gone": ("查看器已重启，这项任务的进度已不可见；已保存的快照在首页。",
                 "The viewer was restarted; this job's progress is gone. Snapshots saved are on the front page."),
    "open_snapshot": ("查看快照", "Open the snapshot"),
    "complaint": ("投诉材料", "Complaint"),
    "complaint_files": ("投诉材料已生成，请下载：", "The complaint materials are ready to download:"),
    "file_pdf": ("投诉书 (PDF)", "Complaint (PDF)"),
    "file_txt": ("12315 表单文字 (.txt)", "12315 form text (.txt)"),
    "file_wacz": ("证据包 (WACZ，投诉时作为附件)", "Evidence bundle (WACZ, to attach)"),
    "refused": ("已拒绝：", "Refused:"),
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
