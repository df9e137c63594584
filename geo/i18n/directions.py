"""Strings of the ways to a meal point (geo/data/directions.py), used by every page."""

STRINGS = {
    "dir.me": {"zh": "我的位置", "en": "My location"},
    "dir.walk.amap": {"zh": "走过去（高德步行导航）", "en": "Walk there (Amap walking directions)"},
    "dir.walk.baidu": {"zh": "百度地图步行导航", "en": "Baidu Maps walking directions"},
    "dir.name.amap": {"zh": "在高德地图上按名称查找", "en": "Find it by name on Amap"},
    "dir.name.baidu": {"zh": "在百度地图上按名称查找", "en": "Find it by name on Baidu Maps"},
    "dir.nearby.me.amap": {"zh": "在高德地图上搜我附近的助餐点", "en": "Search meal services near me on Amap"},
    "dir.nearby.me.baidu": {"zh": "在百度地图上搜我附近的助餐点", "en": "Search meal services near me on Baidu Maps"},
    "dir.nearby.area.amap": {
        "zh": "在高德地图上搜本街道附近的助餐点",
        "en": "Search meal services near this subdistrict on Amap",
    },
    "dir.nearby.area.baidu": {
        "zh": "在百度地图上搜本街道附近的助餐点",
        "en": "Search meal services near this subdistrict on Baidu Maps",
    },
    "dir.nearby.city.amap": {"zh": "在高德地图上搜大连的助餐点", "en": "Search meal services in Dalian on Amap"},
    "dir.nearby.city.baidu": {"zh": "在百度地图上搜大连的助餐点", "en": "Search meal services in Dalian on Baidu Maps"},
    "dir.call": {"zh": "打电话问 {hotline}（政务服务热线）", "en": "Call {hotline} (government service hotline)"},
    "dir.why.illustrative": {
        "zh": "这个点的位置是示意的，我们帮您在地图上搜附近真实的助餐点，或打 12345 问最近的助餐点。",
        "en": "This point's position is only illustrative, so we search the map for real meal services near "
        "you instead; or call 12345 to ask where the nearest meal point is.",
    },
    "dir.why.subdistrict": {
        "zh": "我们只知道它在本街道，不知道准确位置，所以按名称在地图上查找；找不到时请打 12345 问。",
        "en": "We only know it is in this subdistrict, not where exactly, so we look it up by name on the map; "
        "if it is not found, call 12345 and ask.",
    },
}
