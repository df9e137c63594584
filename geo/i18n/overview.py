"""Strings of the overview map page (keys prefixed ``ov.``)."""

STRINGS = {
    # filters
    "ov.filters": {"zh": "筛选", "en": "Filters"},
    "ov.f.sectors": {"zh": "领域（括号内为项目数）", "en": "Sectors (number of projects)"},
    "ov.f.sectors.help": {
        "zh": "可多选；全部取消则不显示项目。",
        "en": "Pick one or more; clear all to hide the projects.",
    },
    "ov.f.sectors.placeholder": {"zh": "未选择领域", "en": "No sector selected"},
    "ov.f.subdistrict": {"zh": "街道", "en": "Subdistrict"},
    "ov.f.all_subdistricts.n": {"zh": "全部街道（{n}个）", "en": "All subdistricts ({n})"},
    "ov.f.search": {"zh": "搜索名称（中文或英文）", "en": "Search names (Chinese or English)"},
    "ov.f.search.placeholder": {"zh": "例如：助餐、燃气、Wanli", "en": "e.g. meal, gas, 湾里"},
    "ov.f.layers": {"zh": "图层", "en": "Layers"},
    "ov.f.base": {"zh": "底图", "en": "Base map"},
    "ov.f.base.help": {
        "zh": "高德底图为 GCJ-02 坐标，图上标记已自动换算；空白底图无需联网。",
        "en": "Amap base maps use GCJ-02: the markers are converted for display. The blank base needs no internet.",
    },
    "ov.f.reset": {"zh": "重置筛选", "en": "Reset filters"},
    "ov.share": {
        "zh": "当前视图（筛选、语言、底图、所选对象）已写入网址，复制浏览器地址即可分享。",
        "en": "The view (filters, language, base map, selection) is in the address: copy it to share this view.",
    },
    "ov.empty": {
        "zh": "没有符合筛选条件的项目或助餐点。请放宽条件或点“重置筛选”。",
        "en": "No project or meal point matches the filters. Widen them or tap “Reset filters”.",
    },
    # KPI strip
    "ov.kpi.aria": {"zh": "关键指标", "en": "Key figures"},
    "ov.kpi.projects": {"zh": "显示的项目", "en": "Projects shown"},
    "ov.kpi.projects.note": {"zh": "含全区性项目 {n} 项", "en": "incl. {n} district-wide"},
    "ov.kpi.sectors": {"zh": "涉及领域", "en": "Sectors"},
    "ov.kpi.total": {"zh": "项目总投资", "en": "Programme investment"},
    "ov.kpi.total.value": {"zh": "{v}亿元", "en": "¥{v} bn (亿元)"},
    "ov.kpi.total.note": {"zh": "全部项目合计；未公布单项投资", "en": "all projects; no per-project figure published"},
    "ov.kpi.meals": {"zh": "显示的助餐点", "en": "Meal points shown"},
    "ov.kpi.covered": {"zh": "有助餐点的街道", "en": "Subdistricts with a meal point"},
    "ov.kpi.verified": {"zh": "已核实（助餐点位置）", "en": "Verified (meal point positions)"},
    "ov.kpi.verified.note": {
        "zh": "有地址或实地测量的位置；其余为示意位置",
        "en": "an address or a surveyed position; the others are illustrative",
    },
    # tooltips and legend
    "ov.more": {"zh": " 等（另{n}个）", "en": " and {n} more"},
    # between the names listed in a tooltip ("; " in English: project names may contain commas)
    "ov.tip.sep": {"zh": "、", "en": "; "},
    "ov.tip.meals": {"zh": "助餐点 {n} 个", "en": {"one": "{n} meal point", "other": "{n} meal points"}},
    "ov.tip.projects": {
        "zh": "有具体位置的项目 {n} 项",
        "en": {"one": "{n} located project", "other": "{n} located projects"},
    },
    "ov.tip.wide": {
        "zh": "另有全区性项目 {n} 项（见“全区性项目”标记）",
        "en": {
            "one": "plus {n} district-wide project (see the “district-wide” marker)",
            "other": "plus {n} district-wide projects (see the “district-wide” marker)",
        },
    },
    "ov.legend.scope": {"zh": "当前范围", "en": "Showing"},
    "ov.legend.search": {"zh": "搜索“{q}”", "en": "search “{q}”"},
    "ov.anchor.title": {"zh": "全区性项目", "en": "District-wide"},
    # the district-wide box on the map: "▸" says it opens (its popup lists the projects)
    "ov.anchor.n": {"zh": "{n} 项 ▸", "en": {"one": "{n} project ▸", "other": "{n} projects ▸"}},
    # details panel
    "ov.details.title": {"zh": "详情", "en": "Details"},
    "ov.details.hint": {
        "zh": "点击地图上的项目、助餐点或街道，或在下面的列表中选择，即可在此查看详情。",
        "en": "Tap a project, meal point or subdistrict on the map, or pick one from the list below, to see its details here.",
    },
    "ov.details.pick": {"zh": "从列表中选择", "en": "Pick from the list"},
    "ov.details.none": {"zh": "（未选择）", "en": "(nothing selected)"},
    "ov.details.clear": {"zh": "清除选择", "en": "Clear selection"},
    "ov.details.wide_option": {"zh": "全区性项目（共 {n} 项）", "en": "District-wide projects ({n})"},
    "ov.pick.meal": {"zh": "餐 {name}", "en": "Meal point: {name}"},
    "ov.pick.sub": {"zh": "街道 {name}", "en": "Subdistrict: {name}"},
    "ov.d.project": {"zh": "惠民实事项目", "en": "Livelihood project"},
    "ov.d.meal": {"zh": "老年助餐点", "en": "Elderly meal point"},
    "ov.d.sector": {"zh": "领域", "en": "Sector"},
    "ov.d.summary": {"zh": "已公布情况", "en": "Published facts"},
    "ov.d.figures": {"zh": "已公布数字", "en": "Published figures"},
    "ov.d.where": {"zh": "所在街道", "en": "Subdistricts"},
    "ov.d.district_wide": {"zh": "全区性（无具体地点）", "en": "District-wide (no site)"},
    "ov.d.status": {"zh": "状态", "en": "Status"},
    "ov.d.investment": {"zh": "投资额", "en": "Investment"},
    "ov.d.investment.none": {
        "zh": "未公布单个项目投资（只公布项目总投资{total}亿元）",
        "en": "not published per project (only the programme total, {total} 亿元)",
    },
    "ov.d.source": {"zh": "来源", "en": "Source"},
    "ov.d.verified": {"zh": "核实日期", "en": "Verified on"},
    "ov.status.completed": {"zh": "已完成", "en": "completed"},
    "ov.status.in_progress": {"zh": "在建", "en": "in progress"},
    "ov.status.planned": {"zh": "计划中", "en": "planned"},
}
