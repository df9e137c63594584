"""Strings of the meal-point finder page (pages/finder.py, geo/views/finder.py, geo/maps/finder.py)."""

STRINGS = {
    "fd.title": {"zh": "找助餐点", "en": "Find a meal point"},
    "fd.intro": {
        "zh": "选择您所在的街道，就能看到本街道的老年助餐点；在地图上点一下您的位置，还能看到距离和步行时间。"
        "每个助餐点都写明怎么去：位置真实的可以步行导航，位置不明的帮您按名称查找或打 12345 问。",
        "en": "Choose your subdistrict to see its elderly meal points; tap your position on the map to see "
        "distances and walking times too. Each meal point says how to get there: walking directions to a "
        "real position, otherwise a search by name or a call to 12345.",
    },
    "fd.where": {"zh": "我在哪里？", "en": "Where am I?"},
    "fd.subdistrict": {"zh": "选择我所在的街道", "en": "Choose my subdistrict"},
    "fd.subdistrict.placeholder": {"zh": "点这里选择街道", "en": "Tap to choose"},
    "fd.map_hint": {
        "zh": "或者：在地图上点一下您的位置；也可以点地图右上角的“◎ 用我的位置”（需要您允许，不行时请点地图或选街道）。",
        "en": "Or tap your position on the map, or use “◎ My location” at the map's top right (you must "
        "allow it; if it does not work, tap the map or choose your subdistrict).",
    },
    "fd.coords.title": {"zh": "输入坐标", "en": "Type coordinates"},
    "fd.coords.label": {"zh": "纬度, 经度（例如 39.108, 121.712）", "en": "Latitude, longitude (e.g. 39.108, 121.712)"},
    "fd.coords.datum": {"zh": "坐标来自", "en": "The coordinates come from"},
    "fd.coords.datum.wgs84": {"zh": "GPS / 手机定位（WGS-84）", "en": "GPS / phone location (WGS-84)"},
    "fd.coords.datum.gcj02": {"zh": "高德或腾讯地图（GCJ-02）", "en": "Amap or Tencent maps (GCJ-02)"},
    "fd.coords.go": {"zh": "用这个坐标", "en": "Use these coordinates"},
    "fd.coords.empty": {"zh": "请输入纬度和经度两个数字。", "en": "Please type two numbers: latitude and longitude."},
    "fd.coords.two_numbers": {
        "zh": "没有读懂：请只输入两个数字，例如 39.108, 121.712。",
        "en": "Could not read that: type just two numbers, e.g. 39.108, 121.712.",
    },
    "fd.coords.range": {
        "zh": "坐标超出范围：纬度在 -90 到 90 之间，经度在 -180 到 180 之间。",
        "en": "Out of range: latitude is between -90 and 90, longitude between -180 and 180.",
    },
    "fd.options": {"zh": "更多选项", "en": "More options"},
    "fd.mode": {"zh": "显示哪些助餐点", "en": "Which meal points to show"},
    "fd.mode.nearest": {"zh": "最近的 5 个", "en": "The nearest 5"},
    "fd.mode.within": {"zh": "步行 {r} 以内的全部", "en": "All within a {r} walk"},
    "fd.base": {"zh": "底图", "en": "Base map"},
    "fd.base.note": {
        "zh": "在线底图需要网络；高德底图为 GCJ-02 坐标，图上各点已相应平移。",
        "en": "Online base maps need the internet; Amap draws in GCJ-02 and the overlays are shifted to match.",
    },
    "fd.start": {
        "zh": "请先告诉我们您在哪里：选择街道，或在地图上点一下。",
        "en": "First tell us where you are: choose your subdistrict, or tap the map.",
    },
    "fd.origin.seat": {
        "zh": "您选择的街道：{sub}",
        "en": "Your subdistrict: {sub}",
    },
    "fd.origin.map": {
        "zh": "起点：您在地图上选的位置（北纬 {lat}，东经 {lon}）",
        "en": "Starting point: the place you chose on the map ({lat} N, {lon} E)",
    },
    "fd.origin.typed": {
        "zh": "起点：您输入的坐标（北纬 {lat}，东经 {lon}）",
        "en": "Starting point: the coordinates you typed ({lat} N, {lon} E)",
    },
    "fd.origin.in_sub": {"zh": "位于{sub}（按示意边界）", "en": "in {sub} (by the schematic boundaries)"},
    "fd.results.nearest": {
        "zh": "离您最近的 {n} 个助餐点",
        "en": {"one": "The meal point nearest to you", "other": "The {n} meal points nearest to you"},
    },
    "fd.results.within": {"zh": "步行 {r} 以内的助餐点：{n} 个", "en": "Meal points within a {r} walk: {n}"},
    "fd.results.fallback": {"zh": "最近的助餐点", "en": "The nearest meal point"},
    "fd.results.seat": {"zh": "{sub}和附近街道的助餐点", "en": "Meal points in {sub} and nearby"},
    "fd.group.own": {"zh": "在您的街道 · {sub}", "en": "In your subdistrict · {sub}"},
    "fd.group.near": {"zh": "附近街道 · {sub}", "en": "Nearby subdistrict · {sub}"},
    "fd.group.other": {"zh": "位于{sub}", "en": "In {sub}"},
    "fd.msg.seat": {
        "zh": "我们不知道您在街道里的哪个位置，所以先不显示距离。在地图上点一下您的位置（或用定位、输入坐标），就能看到距离和步行时间。",
        "en": "We do not know where in the subdistrict you are, so no distances are shown yet. Tap your "
        "position on the map (or use your location, or type coordinates) to see distances and walking times.",
    },
    "fd.dist.guide": {"zh": "（按示意位置估算，仅供参考）", "en": " (to the illustrative position: only a guide)"},
    "fd.shared": {"zh": "分享给您的助餐点", "en": "The meal point shared with you"},
    "fd.share": {"zh": "分享这个助餐点", "en": "Share this meal point"},
    # a link in every meal point's popup, finder card and overview details panel (to pages/report.py)
    "report.link": {"zh": "信息有误？报告问题", "en": "Something wrong? Report it"},
    "fd.share.hint": {
        "zh": "复制下面的链接，发给家人或朋友，打开就能看到这个助餐点：",
        "en": "Copy this link and send it to family or friends; it opens this meal point:",
    },
    "fd.share.unknown": {
        "zh": "分享链接里的助餐点在当前数据里找不到。请选择街道或在地图上点一下。",
        "en": "The meal point in the shared link is not in the data in use. Choose your subdistrict or tap the map.",
    },
    "fd.share.unknown_sub": {
        "zh": "链接里的街道在当前数据里找不到。请在上面选择街道。",
        "en": "The subdistrict in the link is not in the data in use. Choose your subdistrict above.",
    },
    "fd.say": {"zh": "▶ 读给我听", "en": "▶ Read aloud"},
    "fd.say.stop": {"zh": "■ 停止朗读", "en": "■ Stop reading"},
    "fd.poster.download": {"zh": "下载本街道助餐点海报（A4 PDF）", "en": "Download the A4 poster"},
    "fd.poster.building": {"zh": "正在生成海报……", "en": "Making the poster…"},
    "fd.poster.note": {
        "zh": "{sub}所有助餐点的一页大字海报，可以打印贴在社区公告栏；扫二维码打开本页。",
        "en": "A large-print poster of every meal point in {sub}, to print for the community notice board; "
        "its QR code opens this page.",
    },
    "fd.unit.m": {"zh": "{v} 米", "en": "{v} m"},
    "fd.unit.km": {"zh": "{v} 公里", "en": "{v} km"},
    "fd.unit.min": {"zh": "约 {v} 分钟", "en": "about {v} min"},
    "fd.unit.h": {"zh": "约 {h} 小时 {m} 分钟", "en": "about {h} h {m} min"},
    "fd.unit.h0": {"zh": "约 {h} 小时", "en": "about {h} h"},
    "fd.unit.days": {"zh": "约 {v} 天", "en": "about {v} days"},
    "fd.dist_line": {
        "zh": "直线 {straight} · 步行约 {walk}，{minutes}",
        "en": "{straight} in a straight line · about {walk} on foot, {minutes}",
    },
    "fd.here": {"zh": "就在附近（直线 {straight}）", "en": "Right here ({straight} in a straight line)"},
    "fd.tie_with": {"zh": "与第 {ranks} 个一样近", "en": "as near as no. {ranks}"},
    "fd.paren": {"zh": "（{text}）", "en": "({text})"},
    "fd.label_value": {"zh": "{label}：{value}", "en": "{label}: {value}"},
    "fd.nav.from": {"zh": "我的位置", "en": "My position"},
    "fd.nav.note": {"zh": "导航从您手机的当前位置出发。", "en": "Directions start from your phone's current location."},
    "fd.assume.title": {"zh": "距离和时间是怎么算的？", "en": "How are distance and time worked out?"},
    "fd.assume.body": {
        "zh": "“直线”是两点之间的直线距离。真正走的路会绕一些，我们按直线距离的 {circuity} 倍估算步行距离，"
        "按老年人每小时走 {speed} 公里估算时间（直线每 1 公里约走 {per_km} 分钟）。这只是估计：实际路线、"
        "过马路和上下坡都会不同。距离只从您在地图上点的位置、定位或输入的坐标算起；只选街道时不显示距离。"
        "助餐点的位置大多是示意的，这样的点不提供导航，出发前请先打电话确认。",
        "en": "“Straight line” is the distance as the crow flies. Real streets wind, so we take the walk to be "
        "{circuity} times the straight line, at an older person's pace of {speed} km an hour (about {per_km} "
        "minutes per straight-line km). It is only an estimate: the real route, crossings and slopes differ. "
        "Distances are measured only from the place you tap, your location or typed coordinates; choosing "
        "a subdistrict alone shows none. Most meal-point positions are illustrative: such points get no "
        "directions, so phone before you set off.",
    },
    "fd.msg.empty": {
        "zh": "当前数据里没有助餐点，无法查找。如果您上传了助餐点数据，请检查文件，或恢复内置数据。",
        "en": "The data in use has no meal points, so there is nothing to find. If you uploaded meal "
        "points, check the file, or go back to the bundled data.",
    },
    "fd.msg.outside": {
        "zh": "您选的位置不在金普新区内。下面仍列出最近的助餐点（最近的直线 {d}），但可能并不方便前往。",
        "en": "The place you chose is outside Jinpu New Area. The nearest meal points are listed "
        "anyway (the nearest is {d} in a straight line), but they may not be practical.",
    },
    "fd.msg.none_within": {
        "zh": "步行 {r} 以内没有助餐点。下面是离您最近的一个。",
        "en": "There is no meal point within a {r} walk. The nearest one is shown below.",
    },
    "fd.msg.own_none": {
        "zh": "数据中{sub}没有助餐点，下面列出的是邻近街道的点。",
        "en": "The data has no meal point in {sub}; the list shows points in neighbouring subdistricts.",
    },
    "fd.msg.own_only_far": {
        "zh": "{sub}只有 1 个助餐点，离这里步行约 {d}，比较远。下面也列出了邻近街道的点；也可以打电话问问能否送餐。",
        "en": "{sub} has only 1 meal point, about {d} on foot from here, which is far. Points in "
        "neighbouring subdistricts are listed too; you can also phone to ask about delivery.",
    },
    "fd.msg.own_far": {
        "zh": "{sub}的 {n} 个助餐点离这里都比较远（最近的步行约 {d}）。下面也列出了邻近街道的点。",
        "en": "All {n} meal points of {sub} are far from here (the nearest is about {d} on foot). "
        "Points in neighbouring subdistricts are listed too.",
    },
    "fd.msg.far": {
        "zh": "最近的助餐点步行约 {walk}（{minutes}），超过 1 公里。可以打电话问问能否送餐，或请家人帮忙。",
        "en": "The nearest meal point is about {walk} on foot ({minutes}), more than 1 km. You could phone "
        "to ask about delivery, or ask family to help.",
    },
    "fd.msg.ties": {
        "zh": "有几个助餐点离您一样近，排序不分先后。",
        "en": "Some meal points are equally near; their order does not matter.",
    },
    "fd.msg.tie_beyond": {
        "zh": "还有 {n} 个助餐点与第 {k} 个一样近，没有列出。",
        "en": {
            "one": "{n} more meal point is as near as no. {k} but not listed.",
            "other": "{n} more meal points are as near as no. {k} but not listed.",
        },
    },
    "fd.msg.truncated": {
        "zh": "范围内还有 {n} 个更远的助餐点没有列出（只列最近的 {k} 个）。",
        "en": {
            "one": "{n} more distant meal point in range is not listed (only the nearest {k}).",
            "other": "{n} more distant meal points in range are not listed (only the nearest {k}).",
        },
    },
    "fd.map.me": {"zh": "我", "en": "Me"},
    "fd.map.seat": {"zh": "街道", "en": "Sub."},
    "fd.map.seat.title": {
        "zh": "您选择的街道（驻地的估计位置，不是您的位置）",
        "en": "Your subdistrict (its estimated seat, not your position)",
    },
    "fd.map.label": {"zh": "地图：点一下选择您的位置", "en": "Map: tap to choose your position"},
    "fd.loc.button": {"zh": "◎ 用我的位置", "en": "◎ My location"},
    "fd.loc.searching": {"zh": "正在获取您的位置……", "en": "Finding your location…"},
    "fd.loc.found": {"zh": "已找到您的位置。", "en": "Found your location."},
    "fd.loc.coarse": {
        "zh": "已找到您的大概位置（误差约 {m} 米）。如不准，请在地图上点一下您的位置。",
        "en": "Found your approximate location (about {m} m). If it is wrong, tap your position on the map.",
    },
    "fd.loc.denied": {
        "zh": "您没有允许使用位置。请在地图上点一下您的位置，或在上面选择街道。",
        "en": "Location was not allowed. Tap your position on the map, or choose your subdistrict above.",
    },
    "fd.loc.unavailable": {
        "zh": "暂时无法获取位置。请在地图上点一下您的位置，或在上面选择街道。",
        "en": "Your location is not available. Tap your position on the map, or choose your subdistrict above.",
    },
    "fd.loc.timeout": {
        "zh": "获取位置超时。请在地图上点一下您的位置，或在上面选择街道。",
        "en": "Finding your location took too long. Tap your position on the map, or choose your subdistrict above.",
    },
    "fd.loc.unsupported": {
        "zh": "这个浏览器不能提供位置。请在地图上点一下您的位置，或在上面选择街道。",
        "en": "This browser cannot give a location. Tap your position on the map, or choose your subdistrict above.",
    },
    "fd.loc.insecure": {
        "zh": "此网址不是安全连接（https），浏览器不提供位置。请在地图上点一下您的位置，或在上面选择街道。",
        "en": "This address is not a secure (https) connection, so the browser gives no location. Tap "
        "your position on the map, or choose your subdistrict above.",
    },
}
