"""The conversations behind the /im/ chat pages (late, windowed, frame, shadow), as data.

``LATE``: 60 messages in three pages of 20. Only the oldest page holds the seller's
promises (假一赔十, 七天内降价补差价) and the buyer's phone number, so a capture that
does not reach it misses them. :func:`windowed_lines`: 90 messages, numbered so order is
plain; the 10th shows the phone number too (well out of the first screen).
"""

from __future__ import annotations

# Sender codes as in chat_data: B buyer 我, S the agent, Y system, R bot.
IM_SENDERS: dict[str, tuple[str, str]] = {
    "B": ("我", "buyer"),
    "S": ("小慧", "seller"),
    "Y": ("系统", "system"),
    "R": ("小慧助手", "bot"),
}
LATE_SHOP = "慧洁家电专营店"
LATE_PHONE = "13812345678"

LATE: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        3,
        "10:00",
        (
            "R:【自动回复】您好，欢迎光临慧洁家电专营店，客服马上为您服务。",
            "B:你好，这款扫地机器人是正品吗？",
            "S:亲，我们是品牌授权专营店，保证正品，假一赔十。",
            "B:现在买和双十一比哪个便宜？",
            "S:您放心买，七天内降价补差价。",
            "B:好的，那我下单了",
            "Y:订单 7788 已支付",
            "B:送货前能先打电话吗？",
            f"S:好的亲，已备注您的电话 {LATE_PHONE}，送货前联系您。",
            "B:谢谢",
            "S:不客气～",
            "B:扫地机能自动回充吗？",
            "S:可以的，电量低会自动回充。",
            "B:噪音大吗？",
            "S:静音模式大约55分贝。",
            "B:需要自己安装吗？",
            "S:不用安装，开箱即用。",
            "B:好的",
            "Y:订单 7788 已发货",
            "S:亲，已经发货了，请留意物流。",
        ),
    ),
    (
        1,
        "16:00",
        (
            "B:你好，机器收到了",
            "S:亲，收到就好，使用有问题随时找我。",
            "B:第一次充电要多久？",
            "S:首次建议充满6小时。",
            "B:App 连不上怎么办？",
            "S:请确认手机连的是2.4G的无线网络。",
            "B:连上了",
            "S:好的亲～",
            "B:拖地的水箱在哪里？",
            "S:在机器尾部，按下卡扣就能取出。",
            "B:可以设置禁区吗？",
            "S:可以的，在App地图里画禁区就行。",
            "B:地毯会不会缠毛？",
            "S:建议开启地毯增压，定期清理滚刷。",
            "B:好的，我试试",
            "S:有问题随时联系哦～",
            "R:【自动回复】亲，您对本次服务满意吗？回复1满意，回复2不满意。",
            "B:1",
            "R:【自动回复】感谢您的评价！",
            "B:还有一个问题",
        ),
    ),
    (
        0,
        "09:30",
        (
            "B:今天发现它老是原地打转",
            "S:亲，麻烦擦一下机器底部的沿边传感器试试。",
            "B:擦了还是一样",
            "S:方便拍个视频给我看看吗？",
            "B:稍等",
            "B:视频发不了",
            "S:那您描述一下，是开机就转还是清扫一会儿才转？",
            "B:清扫十分钟左右开始转",
            "S:可能是万向轮卡了头发，您看一下前轮。",
            "B:果然缠了好多头发",
            "S:清理干净应该就好了。",
            "B:好了，谢谢",
            "S:不客气亲～",
            "B:滤网多久换一次？",
            "S:建议三个月更换一次。",
            "B:店里有卖吗？",
            "S:有的，配件链接在店铺首页。",
            "B:好的",
            "S:祝您使用愉快～",
            "B:嗯嗯",
        ),
    ),
)

_TOPICS = (
    ("可以用在电磁炉上吗", "可以的，电磁炉和燃气灶都能用"),
    ("锅有多重", "锅身大约1.6公斤"),
    ("涂层安全吗", "是食品级涂层，检测报告在详情页"),
    ("能放进洗碗机吗", "可以，但建议手洗延长寿命"),
    ("送锅铲吗", "送一把硅胶铲"),
    ("有大号的吗", "有30厘米和32厘米两种"),
    ("什么时候发货", "下单后48小时内发货"),
    ("用什么快递", "默认中通，可以补差价发顺丰"),
    ("能开发票吗", "可以开电子发票"),
    ("有赠品吗", "现在下单送一块隔热垫"),
)


def windowed_lines() -> list[str]:
    """90 lines: 45 questions and answers, each numbered (第N条) so order is plain."""
    lines = ["S:第1条 欢迎光临，本店支持7天无理由退货。"]
    n = 1
    while len(lines) < 90:
        q, a = _TOPICS[(n - 1) % len(_TOPICS)]
        lines.append(f"B:第{len(lines) + 1}条 {q}？")
        if len(lines) < 90:
            lines.append(f"S:第{len(lines) + 1}条 {a}。")
        n += 1
    lines[9] = f"S:第10条 售后电话 {LATE_PHONE}，工作日9点到18点。"
    return lines


WINDOWED_DAYS = ((1, "08:00", 45), (0, "08:30", 45))  # (days before today, first time, messages)
