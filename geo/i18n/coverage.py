"""Strings of the planners' coverage page (pages/coverage.py, geo/views/coverage/, geo/maps/coverage.py)."""

STRINGS = {
    "cv.title": {"zh": "覆盖分析（规划）", "en": "Coverage analysis (planning)"},
    "cv.intro": {
        "zh": "按所选指标给 25 个街道着色，查看服务空白区，点地图试加助餐点，并获得建议选址。红色 = 服务较差，蓝色 = 较好。",
        "en": "Colour the 25 subdistricts by a chosen metric, see the gap areas, tap the map to test a new meal "
        "point, and get suggested sites. Red = poorer service, blue = better.",
    },
    # controls
    "cv.c.metric": {"zh": "指标", "en": "Metric"},
    "cv.c.radius": {"zh": "服务半径 R", "en": "Service radius R"},
    "cv.c.radius.help": {
        "zh": "GB 50180-2018 生活圈：5 分钟 300 米、10 分钟 500 米、15 分钟 800–1000 米；北京助餐点服务半径 ≤ 1000 米。",
        "en": "GB 50180-2018 life circles: 5-minute 300 m, 10-minute 500 m, 15-minute 800–1000 m; "
        "Beijing's meal-point norm: service radius ≤ 1000 m.",
    },
    "cv.c.mode": {"zh": "半径类型", "en": "Radius type"},
    "cv.mode.straight": {"zh": "直线距离", "en": "Straight line"},
    "cv.mode.walking": {"zh": "步行距离（÷ 绕行系数 1.3）", "en": "Walking (÷ circuity 1.3)"},
    "cv.c.scheme": {"zh": "分级方法", "en": "Class breaks"},
    "cv.c.k": {"zh": "分级数", "en": "Classes"},
    "cv.c.base": {"zh": "底图", "en": "Base map"},
    "cv.c.gap": {
        "zh": "显示服务空白区（距最近助餐点超过 R）",
        "en": "Show gap areas (farther than R from any meal point)",
    },
    "cv.c.points": {"zh": "显示现有助餐点", "en": "Show existing meal points"},
    "cv.c.more": {"zh": "更多选项：分级、底图、图层", "en": "More options: classes, base map, layers"},
    "cv.scheme.quantiles": {"zh": "分位数（各档街道数相近）", "en": "Quantiles (similar counts per class)"},
    "cv.scheme.fisher_jenks": {"zh": "Fisher-Jenks 自然断点", "en": "Fisher-Jenks natural breaks"},
    "cv.scheme.policy": {
        "zh": "政策分档（0–25–50–75–100%；距离 300/500/1000 米）",
        "en": "Policy breaks (0–25–50–75–100%; distances 300/500/1000 m)",
    },
    "cv.scheme.fallback": {
        "zh": "此指标没有政策分档标准，已改用分位数。政策分档只用于比例（0–25–50–75–100%）和距离（300/500/1000 米）。",
        "en": "This metric has no policy thresholds, so quantiles are used. Policy breaks apply to shares "
        "(0–25–50–75–100%) and distances (300/500/1000 m) only.",
    },
    "cv.scheme.fallback.short": {"zh": "无政策标准，按分位数", "en": "no policy thresholds: quantiles"},
    "cv.base.note": {
        "zh": "在线底图需要网络；高德底图为 GCJ-02 坐标，图上各层已平移，点击位置会换算回 WGS-84。",
        "en": "Online base maps need the internet; Amap draws in GCJ-02: the overlays are shifted to match "
        "and a tap is converted back to WGS-84.",
    },
    # metrics
    "cv.metric.n_points": {"zh": "助餐点数量", "en": "Meal points"},
    "cv.metric.area_km2": {"zh": "面积", "en": "Area"},
    "cv.metric.points_per_10km2": {"zh": "每 10 平方公里助餐点数", "en": "Meal points per 10 km²"},
    "cv.metric.covered_share": {"zh": "R 范围内的面积比例", "en": "Share of area within R"},
    "cv.metric.mean_dist_m": {
        "zh": "到最近助餐点的平均直线距离",
        "en": "Mean straight-line distance to the nearest meal point",
    },
    "cv.metric.p90_dist_m": {
        "zh": "到最近助餐点的直线距离（90% 分位）",
        "en": "90th-percentile distance to the nearest meal point",
    },
    "cv.metric.points_per_10k_60plus": {
        "zh": "每万名 60 岁以上老人助餐点数",
        "en": "Meal points per 10,000 residents aged 60+",
    },
    "cv.metric.pop_weighted_covered_share": {
        "zh": "人口加权覆盖比例（近似）",
        "en": "Population-weighted coverage (approximation)",
    },
    "cv.unit.n_points": {"zh": "个", "en": "points"},
    "cv.unit.area_km2": {"zh": "km²", "en": "km²"},
    "cv.unit.points_per_10km2": {"zh": "个/10 km²", "en": "per 10 km²"},
    "cv.unit.covered_share": {"zh": "% 的街道面积", "en": "% of the subdistrict's area"},
    "cv.unit.mean_dist_m": {"zh": "米", "en": "m"},
    "cv.unit.p90_dist_m": {"zh": "米", "en": "m"},
    "cv.unit.points_per_10k_60plus": {"zh": "个/万名 60 岁以上老人", "en": "per 10,000 aged 60+"},
    "cv.unit.pop_weighted_covered_share": {"zh": "% 的人口", "en": "% of residents"},
    "cv.unavail.no_population": {
        "zh": "未提供人口数据。各街道人口数未公开发布（2020年人口普查只有全区数字：常住人口1,545,491人，"
        "其中60岁及以上301,759人，没有分街道的数字），该指标需用户提供数据（{cols}）。",
        "en": "No population figures were supplied. No population figures per subdistrict "
        "were published (the 2020 census gives district totals only: 1,545,491 residents, "
        "301,759 of them aged 60+, and no figures per subdistrict), so this metric needs "
        "figures that a user supplies ({cols}).",
    },
    "cv.unavail.partial_population": {
        "zh": "{total}个街道中有{n}个缺少人口数据（{cols}），这些街道显示为不可用。",
        "en": {
            "one": "Population figures ({cols}) are missing for {n} of {total} subdistricts; it is shown as unavailable.",
            "other": "Population figures ({cols}) are missing for {n} of {total} subdistricts; those are shown as unavailable.",
        },
    },
    "cv.metric.unavailable": {"zh": "{name}（不可用）", "en": "{name} (unavailable)"},
    "cv.unavailable.short": {"zh": "不可用：未提供人口数据", "en": "Unavailable: no population figures"},
    "cv.unavailable.title": {"zh": "此指标不可用", "en": "This metric is unavailable"},
    "cv.unavailable.how": {
        "zh": "在“数据”页上传带有 pop_total / pop_60plus 列的街道图层后即可使用。",
        "en": "Upload a subdistricts layer with pop_total / pop_60plus columns on the Data page to use it.",
    },
    "cv.na": {"zh": "—", "en": "—"},
    "cv.na.long": {"zh": "无数据", "en": "No data"},
    "cv.pp": {"zh": "个百分点", "en": "pp"},
    "cv.yes": {"zh": "是", "en": "yes"},
    "cv.radius.straight": {"zh": "R = {r} 米（直线）", "en": "R = {r} m (straight line)"},
    "cv.radius.walking": {
        "zh": "R = 步行 {r} 米（≈ 直线 {eff} 米，÷ {c}）",
        "en": "R = {r} m walk (≈ {eff} m straight line, ÷ {c})",
    },
    "cv.cell_note": {
        "zh": "距离和人口加权指标按 {cell} 米网格计算（为了交互速度；覆盖面积比例为精确的多边形计算）。距离均为直线距离。",
        "en": "Distances and population-weighted figures use a {cell} m grid (for speed; area shares are "
        "exact polygon overlays). All distances are straight-line.",
    },
    # district context: the 2020 census, district totals only
    "cv.census.title": {
        "zh": "全区背景（2020 年人口普查，全区数字）",
        "en": "District context (2020 census, district-wide)",
    },
    "cv.census.body": {
        "zh": "金州区常住人口 {residents} 人，其中 60 岁及以上 {aged} 人（{share}）。"
        "每万名 60 岁以上老人助餐点数（全区，2020 年普查）：{n} ÷ {aged} × 10,000 ≈ {rate}。"
        "这是全区数字，不分摊到各街道（没有分街道的人口数）；助餐点数为当前使用的数据，人口为 2020 年数字。",
        "en": "Jinzhou District had {residents} residents, {aged} of them aged 60+ ({share}). "
        "Meal points per 10,000 aged 60+ (district, 2020 census): {n} / {aged} × 10,000 ≈ {rate}. "
        "A district-wide figure, never spread over subdistricts (there are no figures per subdistrict); "
        "the points are those in use, the population is 2020's.",
    },
    "cv.census.source": {"zh": "来源：{source}", "en": "Source: {source}"},
    # tooltips, legend
    "cv.tip.rank": {"zh": "排名：第 {r} / {n}（1 = 最好）", "en": "Rank: {r} of {n} (1 = best)"},
    "cv.tip.change": {"zh": "试加点后变化：{d}", "en": "Change with the what-if points: {d}"},
    "cv.underserved": {"zh": "服务不足", "en": "Under-served"},
    "cv.legend.unit": {"zh": "单位：{unit}", "en": "Unit: {unit}"},
    "cv.legend.scheme": {"zh": "分级：{s}", "en": "Classes: {s}"},
    "cv.legend.underserved": {"zh": "粗黑边 = 服务不足", "en": "Thick outline = under-served"},
    "cv.legend.gap": {"zh": "斜线 = 空白区（超出 R）", "en": "Hatched = gap (beyond R)"},
    "cv.legend.whatif": {"zh": "试加点（{n} 个）", "en": "What-if points ({n})"},
    "cv.legend.sugg": {"zh": "建议选址（{n} 个）", "en": "Suggested sites ({n})"},
    # summary
    "cv.sum.aria": {"zh": "全区覆盖概况", "en": "District coverage figures"},
    "cv.sum.covered_area_km2": {"zh": "R 范围内的面积", "en": "Area within R"},
    "cv.sum.covered_share": {"zh": "占全区面积", "en": "Share of the district's area"},
    "cv.sum.subdistricts_with_points": {"zh": "有助餐点的街道", "en": "Subdistricts with ≥ 1 meal point"},
    "cv.sum.points_total": {"zh": "助餐点总数", "en": "Meal points in total"},
    "cv.sum.change": {"zh": "试加点后：{d}", "en": "With what-if points: {d}"},
    "cv.sum.caption": {"zh": "全区数字，{r}。", "en": "District-wide figures, {r}."},
    # what-if
    "cv.wi.title": {"zh": "试加助餐点", "en": "What-if points"},
    "cv.wi.hint": {
        "zh": "在地图上点一下即可试加一个助餐点；所有指标、着色和空白区会随之更新，并显示与现状相比的变化。",
        "en": "Tap the map to add a hypothetical meal point; every metric, the colours and the gap map update "
        "and show the change against the current data.",
    },
    "cv.wi.none": {"zh": "还没有试加点。", "en": "No what-if points yet."},
    "cv.wi.item": {"zh": "{i}. 北纬 {lat}，东经 {lon}（{sub}）", "en": "{i}. {lat} N, {lon} E ({sub})"},
    "cv.wi.remove": {"zh": "删除", "en": "Remove"},
    "cv.wi.remove.help": {"zh": "删除试加点 {i}", "en": "Remove what-if point {i}"},
    "cv.wi.clear": {"zh": "全部删除", "en": "Remove all"},
    "cv.wi.coords": {
        "zh": "输入坐标添加（纬度, 经度，WGS-84）",
        "en": "Add by coordinates (latitude, longitude, WGS-84)",
    },
    "cv.wi.coords.add": {"zh": "添加", "en": "Add"},
    "cv.wi.tip": {"zh": "试加点 {i}（北纬 {lat}，东经 {lon}）", "en": "What-if point {i} ({lat} N, {lon} E)"},
    "cv.wi.outside": {
        "zh": "该位置不在金普新区范围内，未添加。",
        "en": "That place is outside the district: not added.",
    },
    "cv.wi.duplicate": {"zh": "该位置已经在列表中。", "en": "That point is already in the list."},
    "cv.wi.too_many": {
        "zh": "试加点已达上限（30 个），请先删除一些。",
        "en": "The what-if list is full (30 points): remove some first.",
    },
    "cv.wi.bad_coords": {
        "zh": "没有读懂坐标：请输入两个数字，例如 39.108, 121.712。",
        "en": "Could not read the coordinates: type two numbers, e.g. 39.108, 121.712.",
    },
    "cv.wi.added": {"zh": "已添加试加点 {i}。", "en": "Added what-if point {i}."},
    # suggestions
    "cv.sg.title": {"zh": "建议选址", "en": "Suggested sites"},
    "cv.sg.intro": {
        "zh": "选出 k 个新址，使 R 范围内新增覆盖的需求最大（最大覆盖选址模型 MCLP）。已被现有助餐点（含试加点）覆盖的需求不再计入。",
        "en": "Choose k new sites that bring the most demand within R (maximal covering location problem, MCLP). "
        "Demand already within R of a meal point (incl. what-if points) does not count.",
    },
    "cv.sg.k": {"zh": "新址数量 k", "en": "Number of new sites k"},
    "cv.sg.weights": {"zh": "需求", "en": "Demand"},
    "cv.sg.weights.area": {"zh": "按面积（网格单元）", "en": "By area (grid cells)"},
    "cv.sg.weights.population": {"zh": "按人口（用户提供）", "en": "By population (supplied)"},
    "cv.sg.weights.no_pop": {
        "zh": "按人口加权不可用：未提供各街道人口数据。",
        "en": "Population weighting is unavailable: no population figures per subdistrict.",
    },
    "cv.sg.area_note": {
        "zh": "按面积计算时，许多位置新增的覆盖面积相同，建议位置并不唯一；可限定街道，或上传人口数据后按人口计算。",
        "en": "By area, many places add the same covered area, so the sites are not unique; focus on "
        "subdistricts, or upload population figures and weight by population.",
    },
    "cv.sg.focus": {
        "zh": "只在这些街道内选址（空 = 全区）",
        "en": "Only in these subdistricts (empty = whole district)",
    },
    "cv.sg.focus.placeholder": {"zh": "全区", "en": "Whole district"},
    "cv.sg.cands": {"zh": "候选位置", "en": "Candidates"},
    "cv.sg.cands.grid": {"zh": "网格单元中心（{cell} 米）", "en": "Grid cell centres ({cell} m)"},
    "cv.sg.cands.list": {"zh": "我的候选清单", "en": "My list of candidates"},
    "cv.sg.cands.text": {"zh": "每行一个“纬度, 经度”（WGS-84）", "en": "One “latitude, longitude” per line (WGS-84)"},
    "cv.sg.cands.bad": {
        "zh": "第 {lines} 行没有读懂，已跳过。",
        "en": "These lines could not be read and were skipped: {lines}.",
    },
    "cv.sg.cands.empty": {
        "zh": "候选清单为空：请输入至少一行坐标。",
        "en": "The candidate list is empty: type at least one line.",
    },
    "cv.sg.exact": {"zh": "精确求解（限时 {s} 秒）", "en": "Exact solve ({s} s limit)"},
    "cv.sg.adopt": {"zh": "把建议选址作为试加点", "en": "Adopt the suggestions as what-if points"},
    "cv.sg.adopted": {
        "zh": "已把 {n} 个建议选址加入试加点。",
        "en": {
            "one": "Added {n} suggested site as a what-if point.",
            "other": "Added {n} suggested sites as what-if points.",
        },
    },
    "cv.sg.none": {
        "zh": "没有可新增覆盖的位置：所选范围内的需求已全部在 R 以内。",
        "en": "Nothing left to cover: all demand in the chosen area is already within R.",
    },
    "cv.sg.greedy": {
        "zh": "快速解（贪心 + 交换）：新增覆盖 {obj}；最优值上界 {bound}（差距 ≤ {gap}），用时 {ms} 毫秒。",
        "en": "Quick answer (greedy + swaps): {obj} newly covered; the optimum is at most {bound} "
        "(gap ≤ {gap}); {ms} ms.",
    },
    "cv.sg.greedy_proven": {
        "zh": "上界等于快速解：快速解已被证明是最优解。",
        "en": "The bound equals the quick answer: it is proven optimal.",
    },
    "cv.sg.exact.optimal": {
        "zh": "精确求解：最优（已证明），新增覆盖 {obj}，用时 {s} 秒。",
        "en": "Exact solve: optimal (proven), {obj} newly covered, {s} s.",
    },
    "cv.sg.exact.time_limit": {
        "zh": "精确求解：达到时间限制（{s} 秒），给出找到的最好解 {obj}；最优值不超过 {bound}，最优差距 ≤ {gap}。",
        "en": "Exact solve: time limit reached ({s} s); best found {obj}; the optimum is at most {bound}, gap ≤ {gap}.",
    },
    "cv.sg.exact.skipped": {
        "zh": "精确求解已跳过：模型太大，显示的是局部搜索的结果。",
        "en": "Exact solve skipped: the model is too large; the local-search answer is shown.",
    },
    "cv.sg.exact.error": {
        "zh": "精确求解失败（{msg}）；显示的是快速解。",
        "en": "The exact solve failed ({msg}); the quick answer is shown.",
    },
    "cv.sg.exact.hint": {
        "zh": "显示的是快速解；点“精确求解”可在限时内求证明最优解。",
        "en": "The quick answer is shown; “Exact solve” looks for a proven optimum within the time limit.",
    },
    "cv.sg.meta": {
        "zh": "需求网格 {cell} 米，{nd:,} 个需求单元，{nc:,} 个候选位置。",
        "en": "{cell} m demand grid, {nd:,} demand cells, {nc:,} candidates.",
    },
    "cv.sg.unit.pop": {"zh": "人", "en": "residents"},
    "cv.sg.unit.pop60": {"zh": "名 60 岁以上老人", "en": "residents aged 60+"},
    "cv.sg.tip": {
        "zh": "建议选址 {rank}：{sub}（北纬 {lat}，东经 {lon}）",
        "en": "Suggested site {rank}: {sub} ({lat} N, {lon} E)",
    },
    "cv.sg.col.rank": {"zh": "序号", "en": "Rank"},
    "cv.sg.col.sub": {"zh": "所在街道", "en": "Subdistrict"},
    "cv.sg.col.lat": {"zh": "纬度", "en": "Latitude"},
    "cv.sg.col.lon": {"zh": "经度", "en": "Longitude"},
    "cv.sg.col.area": {"zh": "新增覆盖面积（km²）", "en": "Newly covered area (km²)"},
    "cv.sg.col.weight": {"zh": "新增覆盖需求（{u}）", "en": "Newly covered demand ({u})"},
    "cv.sg.show": {"zh": "在地图上显示建议选址", "en": "Show the suggestions on the map"},
    # table
    "cv.tbl.title": {"zh": "各街道指标（最差在前）", "en": "Metrics per subdistrict (poorest first)"},
    "cv.tbl.note": {
        "zh": "“服务不足”= 所选指标处于最差一档（地图上红色、粗黑边）或没有助餐点。比例以百分数表示。",
        "en": "“Under-served” = in the poorest class of the chosen metric (red with a thick outline on the "
        "map) or without a meal point. Shares are in percent.",
    },
    "cv.col.name": {"zh": "街道", "en": "Subdistrict"},
    "cv.col.code": {"zh": "代码", "en": "Code"},
    "cv.col.rank": {"zh": "排名", "en": "Rank"},
    "cv.col.underserved": {"zh": "服务不足", "en": "Under-served"},
    "cv.col.change": {"zh": "变化：{m}", "en": "Change: {m}"},
    "cv.underserved.list": {
        "zh": "服务不足的街道（{n} 个）：{names}",
        "en": "Under-served subdistricts ({n}): {names}",
    },
    # exports
    "cv.ex.title": {"zh": "导出", "en": "Exports"},
    "cv.ex.table": {"zh": "指标表（CSV）", "en": "Metrics table (CSV)"},
    "cv.ex.sg_csv": {"zh": "建议选址（CSV）", "en": "Suggested sites (CSV)"},
    "cv.ex.sg_geojson": {"zh": "建议选址（GeoJSON）", "en": "Suggested sites (GeoJSON)"},
    "cv.ex.map": {"zh": "当前地图（HTML）", "en": "Current map (HTML)"},
    "cv.ex.map.note": {
        "zh": "HTML 文件内含 Leaflet，离线可打开（空白底图）；在线底图的瓦片需要网络。",
        "en": "The HTML file contains Leaflet and opens offline (blank base map); online base-map tiles need the internet.",
    },
    "cv.ex.map.title": {"zh": "金普惠民地图 · 覆盖分析", "en": "Jinpu Livelihood Map · coverage analysis"},
    # method notes
    "cv.method.title": {"zh": "方法与说明", "en": "Method and notes"},
    "cv.method.body": {
        "zh": "- **覆盖面积比例**：街道多边形与所有助餐点（含试加点）半径 R 圆的并集的精确交集面积 ÷ 街道面积（UTM 51N 米制坐标）。\n"
        "- **步行半径**：步行距离 ÷ 绕行系数 1.3 得到等效直线半径（文献 1.2–1.4），例如步行 500 米 ≈ 直线 385 米。\n"
        "- **平均 / 90% 分位距离**：规则网格单元中心到最近助餐点（含区外）的直线距离。\n"
        "- **人口指标**：需要用户提供各街道 pop_total / pop_60plus；人口按面积均匀分布到网格（近似）。\n"
        "- **建议选址**：最大覆盖模型，先给出贪心解与上界，再用 HiGHS 在时限内精确求解，如实显示求解状态。\n"
        "- 街道边界与助餐点位置均为示意，仅供学习交流，不代表官方数据。",
        "en": "- **Share of area within R**: exact area of the subdistrict polygon inside the union of the R circles around "
        "every meal point (incl. what-if points) ÷ its area (metres, UTM 51N).\n"
        "- **Walking radius**: walking distance ÷ circuity 1.3 gives the equivalent straight-line radius "
        "(literature 1.2–1.4); a 500 m walk ≈ 385 m straight line.\n"
        "- **Mean / 90th-percentile distance**: straight-line distance from regular grid-cell centres to the nearest "
        "meal point (also outside the district).\n"
        "- **Population metrics**: need pop_total / pop_60plus per subdistrict from the user; population is spread "
        "uniformly over the grid (an approximation).\n"
        "- **Suggested sites**: maximal covering model; a greedy answer with an upper bound first, then an exact "
        "HiGHS solve under a time limit, with the solver's true status.\n"
        "- Subdistrict boundaries and meal-point positions are illustrative, for learning only, not official data.",
    },
}
