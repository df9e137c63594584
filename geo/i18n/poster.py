"""Strings of the printable A4 poster of a subdistrict's meal points (geo/views/poster.py)."""

STRINGS = {
    "poster.title": {"zh": "{sub}老年助餐点", "en": "Elderly meal points in {sub}"},
    "poster.continued": {"zh": "{title}（续）", "en": "{title} (continued)"},
    "poster.where": {"zh": "大连市金普新区{sub_zh}", "en": "{sub_zh}, Jinpu New Area, Dalian"},
    "poster.count": {
        "zh": "共 {n} 个助餐点",
        "en": {"one": "{n} meal point", "other": "{n} meal points"},
    },
    "poster.none": {
        "zh": "本街道暂时没有登记的助餐点。请拨打 12345 询问最近的助餐点。",
        "en": "No meal point is listed for this subdistrict yet. Call 12345 to ask where the nearest one is.",
    },
    "poster.hotline": {
        "zh": "拨打 12345 政务服务便民热线，可问最近的助餐点",
        "en": "Call 12345, the government service hotline, to ask where the nearest meal point is",
    },
    "poster.qr": {
        "zh": "用手机扫一扫右边的二维码，可以看地图、找最近的助餐点",
        "en": "Scan the code on the right with your phone to see the map and the nearest meal points",
    },
    "poster.name_zh": {"zh": "中文名称：{name}", "en": "Chinese name: {name}"},
    "poster.kind": {"zh": "类型：{value}", "en": "Type: {value}"},
    "poster.community": {"zh": "社区：{value}", "en": "Community: {value}"},
    "poster.address": {"zh": "地址：{value}", "en": "Address: {value}"},
    "poster.phone": {"zh": "电话：{value}", "en": "Phone: {value}"},
    "poster.hours": {"zh": "开放时间：{value}", "en": "Opening hours: {value}"},
    "poster.price": {"zh": "价格：{value}", "en": "Price: {value}"},
    "poster.what.hours": {"zh": "开放时间", "en": "opening hours"},
    "poster.what.price": {"zh": "价格", "en": "price"},
    "poster.not_published": {"zh": "{what}：未公布", "en": "{what}: not published"},
    "poster.caveat.illustrative": {
        "zh": "注意：图上位置是示意的，不是真实地址；请拨打 12345 或向社区询问最近的助餐点。",
        "en": "Please note: this position is only illustrative, not a real address. Call 12345 or ask at "
        "your community where the nearest meal point is.",
    },
    "poster.caveat.subdistrict": {
        "zh": "注意：只知道在本街道，具体位置请电话或到社区询问。",
        "en": "Please note: it is only known to be in this subdistrict. Phone or ask at your community "
        "for the exact place.",
    },
    "poster.source.bundled": {
        "zh": "数据来源：金普新区2025年民生项目报告和公开报道。",
        "en": "Source: Jinpu New Area's 2025 livelihood-projects report and press reports.",
    },
    "poster.source.registry": {
        "zh": "数据来源：本地图的数据登记库（以金普新区2025年民生项目报告和公开报道为基础，更正经审核后发布）。",
        "en": "Source: this map's data registry (based on Jinpu New Area's 2025 livelihood-projects report and "
        "press reports; corrections are published only after review).",
    },
    "poster.source.file": {"zh": "数据来源：上传的文件“{file}”。", "en": "Source: the uploaded file “{file}”."},
    "poster.source.illustrative": {
        "zh": "其中 {n} 个是示意点（报告没有公布各点的名称和地址）。",
        "en": {
            "one": "{n} of these points is illustrative (the report gave no names or addresses).",
            "other": "{n} of these points are illustrative (the report gave no names or addresses).",
        },
    },
    "poster.source.subdistrict": {
        "zh": "{n} 个只知道所在街道。",
        "en": {
            "one": "{n} is known only by its subdistrict.",
            "other": "{n} are known only by their subdistrict.",
        },
    },
    "poster.source.check": {
        "zh": "信息可能有变化，出发前请先打电话问清楚。",
        "en": "Details may change: phone before you set off.",
    },
    "poster.printed": {"zh": "打印日期：{date}", "en": "Printed on {date}"},
    "poster.page": {"zh": "第 {page} 页，共 {pages} 页", "en": "Page {page} of {pages}"},
    "poster.err.code": {
        "zh": "没有代码为“{code}”的街道，无法生成海报。",
        "en": "No subdistrict has the code “{code}”: cannot make its poster.",
    },
    "poster.err.url": {
        "zh": "二维码链接无效（需要以 http:// 或 https:// 开头、不含空格、不超过 {limit} 个字符）：{url}",
        "en": "Invalid link for the QR code (it must start with http:// or https://, contain no spaces and "
        "be at most {limit} characters): {url}",
    },
    "poster.err.font": {
        "zh": "找不到中文字体，无法生成海报。请安装 Debian 软件包 {package}（apt-get install -y {package}），"
        "部署到 Streamlit Community Cloud 时把它写进 packages.txt。已查找：{paths}",
        "en": "No Chinese font found, so the poster cannot be made. Install the Debian package {package} "
        "(apt-get install -y {package}; on Streamlit Community Cloud list it in packages.txt). Looked in: {paths}",
    },
}
