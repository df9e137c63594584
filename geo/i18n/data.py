"""Strings of the data page (keys ``dt.``)."""

STRINGS = {
    "dt.title": {"zh": "数据：结构、下载与上传", "en": "Data: schema, downloads and uploads"},
    "dt.intro": {
        "zh": "每个图层的字段说明、下载，以及用官方数据替换图层。上传的数据只在本次浏览中生效，不会保存到服务器，也不会被其他用户看到。",
        "en": "Each layer's fields, downloads, and replacing a layer with official data. An upload applies to this "
        "browser session only: it is not saved on the server and no other user sees it.",
    },
    "dt.source": {"zh": "当前使用：{source}", "en": "In use: {source}"},
    "dt.source.bundled": {"zh": "内置数据", "en": "the bundled data"},
    "dt.source.upload": {"zh": "您上传的文件“{name}”（仅本次浏览）", "en": "your upload '{name}' (this session only)"},
    "dt.records": {"zh": "{n} 条记录", "en": {"one": "{n} record", "other": "{n} records"}},
    "dt.schema": {"zh": "字段说明", "en": "Schema"},
    "dt.schema.note": {
        "zh": "此表与校验程序使用同一份定义生成。",
        "en": "Generated from the same definitions the validator uses.",
    },
    "dt.schema.codes_allowed": {
        "zh": "金普新区25个街道的国家统计局代码",
        "en": "the NBS codes of Jinpu's 25 subdistricts",
    },
    "dt.col.field": {"zh": "字段", "en": "Field"},
    "dt.col.type": {"zh": "类型", "en": "Type"},
    "dt.col.required": {"zh": "必需列", "en": "Column required"},
    "dt.col.empty_ok": {"zh": "可留空", "en": "May be empty"},
    "dt.col.allowed": {"zh": "允许的取值", "en": "Allowed values"},
    "dt.col.example": {"zh": "示例", "en": "Example"},
    "dt.col.description": {"zh": "说明", "en": "Description"},
    "dt.yes": {"zh": "是", "en": "yes"},
    "dt.no": {"zh": "否", "en": "no"},
    # the field kinds; the English texts also name the type in the validator's "expected"
    "dt.kind.str": {"zh": "文本", "en": "text"},
    "dt.kind.int": {"zh": "整数", "en": "integer"},
    "dt.kind.float": {"zh": "数字", "en": "number"},
    "dt.kind.enum": {"zh": "取值之一", "en": "one of"},
    "dt.kind.code": {"zh": "12位统计代码", "en": "NBS code (12 digits)"},
    "dt.kind.codes": {"zh": "统计代码（用;分隔）", "en": "NBS codes separated by ;"},
    "dt.kind.date": {"zh": "日期 YYYY-MM-DD", "en": "date YYYY-MM-DD"},
    "dt.kind.yesno": {"zh": "yes / no", "en": "yes / no"},
    # the syntax of a text field (geo.data.schema.Field.syntax): also the validator's "expected"
    "dt.syntax.opening_hours": {
        "zh": "OSM opening_hours 格式，如 Mo-Fr 10:30-13:00",
        "en": "OSM opening_hours syntax, e.g. Mo-Fr 10:30-13:00",
    },
    "dt.syntax.price_tiers": {
        "zh": "以 / 分隔的价格（元），如 8/10/12",
        "en": "prices in yuan separated by /, e.g. 8/10/12",
    },
    "dt.syntax.community_code": {
        "zh": "金州区社区/村的12位统计代码（2023）",
        "en": "NBS code (12 digits) of a community or village of Jinzhou (2023)",
    },
    "dt.geom.polygon": {"zh": "面（Polygon / MultiPolygon）", "en": "polygon (Polygon / MultiPolygon)"},
    "dt.geom.point": {"zh": "点（Point）", "en": "point (Point)"},
    "dt.geom.polygon.desc": {"zh": "街道边界；CSV 中为 WKT 文本", "en": "The subdistrict boundary; WKT text in a CSV"},
    "dt.geom.point.desc": {
        "zh": "空间文件中可用点几何代替 lat/lon 列",
        "en": "In spatial files a point geometry may replace lat/lon",
    },
    "dt.download": {"zh": "下载", "en": "Download"},
    "dt.download.csv": {"zh": "CSV", "en": "CSV"},
    "dt.download.geojson": {"zh": "GeoJSON", "en": "GeoJSON"},
    "dt.download.gpkg": {"zh": "GeoPackage", "en": "GeoPackage"},
    "dt.download.template": {"zh": "空白模板（CSV）", "en": "Empty template (CSV)"},
    "dt.download.note": {
        "zh": "下载的是当前使用的数据（含您上传的数据）。以 = + - @ 开头的文本前加了 '，防止表格软件执行公式；重新上传时会自动去掉。",
        "en": "Downloads hold the data in use (your upload included). Text starting with = + - @ gets a leading ' so "
        "spreadsheets do not run it as a formula; it is removed again when you upload the file.",
    },
    "dt.upload": {"zh": "上传替换此图层", "en": "Upload to replace this layer"},
    "dt.upload.label": {
        "zh": "选择文件（CSV、GeoJSON、GeoPackage 或压缩的 Shapefile）",
        "en": "Choose a file (CSV, GeoJSON, GeoPackage or zipped Shapefile)",
    },
    "dt.upload.help": {
        "zh": "CSV 可为 UTF-8、带 BOM 的 UTF-8 或 GBK/GB18030 编码；文件不超过 {mb} MB。",
        "en": "CSV may be UTF-8, UTF-8 with BOM or GBK/GB18030; files up to {mb} MB.",
    },
    "dt.upload.too_large": {
        "zh": "文件“{name}”有 {size:.1f} MB，超过 {mb} MB 的上限：请拆分或压缩后再上传。",
        "en": "The file '{name}' is {size:.1f} MB, over the {mb} MB limit: split or compress it and try again.",
    },
    "dt.upload.ok": {
        "zh": "校验通过：本次浏览中所有页面都将使用“{name}”。",
        "en": "Valid: every page now uses '{name}' in this browser session.",
    },
    "dt.upload.failed": {
        "zh": "未采用“{name}”：请按下表逐条修改后重新上传。",
        "en": "'{name}' was not used: fix each item below and upload again.",
    },
    "dt.report": {"zh": "校验报告", "en": "Validation report"},
    "dt.report.level": {"zh": "级别", "en": "Level"},
    "dt.report.file": {"zh": "文件", "en": "File"},
    "dt.report.row": {"zh": "数据行", "en": "Row"},
    "dt.report.line": {"zh": "文件行", "en": "Line"},
    "dt.report.column": {"zh": "列", "en": "Column"},
    "dt.report.message": {"zh": "问题", "en": "Problem"},
    "dt.report.expected": {"zh": "应为", "en": "Expected"},
    "dt.cross": {
        "zh": "新的街道边界已采用，但当前的“{layer}”有 {n} 处与之不符（例如助餐点落在所填街道之外）：请上传与新边界一致的“{layer}”。",
        "en": {
            "one": "The new boundaries are in use, but {n} item of the current '{layer}' does not fit them (e.g. a meal "
            "point outside its stated subdistrict): upload a '{layer}' file that matches the new boundaries.",
            "other": "The new boundaries are in use, but {n} items of the current '{layer}' do not fit them (e.g. a meal "
            "point outside its stated subdistrict): upload a '{layer}' file that matches the new boundaries.",
        },
    },
    "dt.tolerance": {
        "zh": "说明：内置街道边界是示意分区，检查助餐点是否在所填街道内时，允许偏出边界不超过该街道驻地位置的不确定半径；上传官方边界（boundary_quality = official）后容差为 0.1 千米。",
        "en": "Note: the bundled subdistrict boundaries are schematic, so a meal point may lie outside its stated subdistrict "
        "by up to that seat's uncertainty radius; with official boundaries (boundary_quality = official) the tolerance is 0.1 km.",
    },
    "dt.cli": {"zh": "命令行校验", "en": "Validation on the command line"},
    "dt.cli.text": {
        "zh": "同样的校验可在命令行运行；文件有效时退出码为 0，否则非 0：",
        "en": "The same checks run on the command line; the exit code is 0 when the file is valid and non-zero otherwise:",
    },
}
