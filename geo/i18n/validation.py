"""Strings of the validator (geo.data.validate, geo.data.loader): each message in both languages."""

STRINGS = {
    "v.level.error": {"zh": "错误", "en": "error"},
    "v.level.warning": {"zh": "警告", "en": "warning"},
    "v.level.note": {"zh": "说明", "en": "note"},
    "v.where.row": {"zh": "第 {row} 行", "en": "row {row}"},
    "v.where.line": {"zh": "（文件第 {line} 行）", "en": " (line {line} of the file)"},
    "v.where.column": {"zh": "列“{column}”", "en": "column '{column}'"},
    "v.expected": {"zh": "应为：{expected}", "en": "expected: {expected}"},
    "v.missing_column": {"zh": "缺少必需的列“{column}”", "en": "required column '{column}' is missing"},
    "v.unknown_column": {"zh": "未知的列“{column}”", "en": "unknown column '{column}'"},
    "v.unknown_column.hint": {"zh": "（是否应为“{suggestion}”？）", "en": " (did you mean '{suggestion}'?)"},
    "v.duplicate_column": {"zh": "列“{column}”出现了不止一次", "en": "column '{column}' appears more than once"},
    "v.no_rows": {"zh": "文件只有表头，没有数据行", "en": "the file has a header but no data rows"},
    "v.empty_file": {"zh": "文件是空的", "en": "the file is empty"},
    "v.too_large": {
        "zh": "文件大小 {size_mb:.2f} MB，超过上限 {limit_mb} MB",
        "en": "the file is {size_mb:.2f} MB, over the {limit_mb} MB limit",
    },
    "v.binary": {
        "zh": "文件不是文本表格（含二进制内容），请上传 CSV、GeoJSON、GeoPackage 或压缩的 Shapefile",
        "en": "the file is not a text table (it holds binary data); upload CSV, GeoJSON, GeoPackage or a zipped Shapefile",
    },
    "v.encoding": {
        "zh": "无法识别文本编码：请另存为 UTF-8、带 BOM 的 UTF-8 或 GBK/GB18030",
        "en": "the text encoding is not recognised: save the file as UTF-8, UTF-8 with BOM or GBK/GB18030",
    },
    "v.encoding_note": {"zh": "文件编码为 {encoding}", "en": "the file is encoded as {encoding}"},
    "v.unreadable": {"zh": "无法读取文件：{reason}", "en": "the file cannot be read: {reason}"},
    "v.unsupported_type": {
        "zh": "不支持的文件类型“{ext}”：请上传 {allowed}",
        "en": "unsupported file type '{ext}': upload {allowed}",
    },
    "v.csv_parse": {"zh": "CSV 格式错误：{reason}", "en": "the CSV is malformed: {reason}"},
    "v.required_value": {"zh": "此项不能为空", "en": "a value is required"},
    "v.not_number": {"zh": "“{value}”不是数字", "en": "'{value}' is not a number"},
    "v.not_integer": {"zh": "“{value}”不是整数", "en": "'{value}' is not a whole number"},
    "v.out_of_range": {
        "zh": "{value} 超出允许范围 {min} 至 {max}",
        "en": "{value} is outside the allowed range {min} to {max}",
    },
    "v.not_allowed": {"zh": "“{value}”不是允许的取值", "en": "'{value}' is not an allowed value"},
    "v.bad_code": {"zh": "“{value}”不是12位国家统计局代码", "en": "'{value}' is not a 12-digit NBS code"},
    "v.unknown_code": {
        "zh": "代码“{value}”不是金普新区25个街道之一",
        "en": "code '{value}' is not one of the 25 subdistricts of Jinpu",
    },
    "v.bad_hours": {
        "zh": "“{value}”不是营业时间格式（OSM opening_hours，例如 Mo-Fr 10:30-13:00）：从第 {position} 个字符“{near}”起无法识别",
        "en": "'{value}' is not opening-hours syntax (e.g. Mo-Fr 10:30-13:00): not understood from character {position} ('{near}')",
    },
    "v.bad_price_tiers": {
        "zh": "“{value}”不是用 / 分隔的每餐价格（元），例如 8/10/12",
        "en": "'{value}' is not a list of prices per meal in yuan separated by / (e.g. 8/10/12)",
    },
    "v.unknown_community": {
        "zh": "代码“{value}”不是金州区 {n} 个社区、村之一（国家统计局 2023 年统计用区划代码）",
        "en": "code '{value}' is not one of the {n} communities and villages of Jinzhou District (NBS 2023 codes)",
    },
    "v.community_elsewhere": {
        "zh": "社区代码 {value}（{community}）属于街道 {street_code}（{street}），而不是助餐点所填的街道 {code}（{name}）",
        "en": "community {value} ({community}) belongs to subdistrict {street_code} ({street}), not to the point's "
        "subdistrict {code} ({name})",
    },
    "v.bad_date": {"zh": "“{value}”不是 YYYY-MM-DD 格式的日期", "en": "'{value}' is not a date in YYYY-MM-DD form"},
    "v.bad_yesno": {"zh": "“{value}”应为 yes 或 no（是/否）", "en": "'{value}' should be yes or no"},
    "v.duplicate_id": {
        "zh": "编号“{value}”重复（另见第 {other} 行）",
        "en": "id '{value}' is used more than once (also row {other})",
    },
    "v.coord_swapped": {
        "zh": "纬度和经度似乎填反了（lat={lat}, lon={lon}）",
        "en": "lat and lon look swapped (lat={lat}, lon={lon})",
    },
    "v.coord_missing": {
        "zh": "缺少坐标：位置精度为“{precision}”时必须填写 lat 和 lon",
        "en": "coordinates missing: lat and lon are required when location_precision is '{precision}'",
    },
    "v.coord_partial": {
        "zh": "lat 和 lon 必须同时填写或同时留空",
        "en": "lat and lon must both be given or both be empty",
    },
    "v.outside_district": {
        "zh": "位置（{lat}, {lon}）在金普新区以外 {km:.1f} 千米",
        "en": "the location ({lat}, {lon}) is {km:.1f} km outside Jinpu New Area",
    },
    "v.outside_subdistrict": {
        "zh": "位置不在所填街道 {code}（{name}）内，相距 {km:.2f} 千米，位于 {actual} 内（官方边界，容差 {tol:.1f} 千米）",
        "en": "the location is not in the stated subdistrict {code} ({name}): {km:.2f} km away, inside {actual} (official boundaries, tolerance {tol:.1f} km)",
    },
    "v.outside_subdistrict_schematic": {
        "zh": "位置在所填街道 {code}（{name}）的示意边界以外 {km:.1f} 千米（位于 {actual} 内），超过该街道驻地位置的不确定半径 {tol:.1f} 千米：请核对街道代码或坐标",
        "en": "the location is {km:.1f} km outside the schematic boundary of the stated subdistrict {code} ({name}) (it lies in {actual}), "
        "more than that subdistrict's seat uncertainty of {tol:.1f} km: check the code or the coordinates",
    },
    "v.near_subdistrict_schematic": {
        "zh": "位置在所填街道 {code}（{name}）的示意边界以外 {km:.1f} 千米（位于 {actual} 内），但在驻地不确定半径 {tol:.1f} 千米以内，予以接受：内置街道边界是按估计驻地生成的示意分区，并不精确",
        "en": "the location is {km:.1f} km outside the schematic boundary of the stated subdistrict {code} ({name}) (it lies in {actual}) "
        "but within that seat's uncertainty of {tol:.1f} km, so it is accepted: the bundled boundaries are a schematic "
        "partition drawn from estimated seats, not official lines",
    },
    "v.district_with_codes": {
        "zh": "位置精度为 district（全区）时 subdistrict_codes 应留空",
        "en": "subdistrict_codes must be empty when location_precision is 'district'",
    },
    "v.codes_missing": {
        "zh": "位置精度为“{precision}”时必须填写 subdistrict_codes",
        "en": "subdistrict_codes is required when location_precision is '{precision}'",
    },
    "v.district_with_coords": {
        "zh": "全区项目不应有坐标（lat/lon 留空）",
        "en": "a district-wide project has no coordinates (leave lat/lon empty)",
    },
    "v.html_in_text": {
        "zh": "含有类似 HTML 的内容，将按纯文本显示",
        "en": "contains HTML-like markup; it will be shown as plain text",
    },
    "v.formula_like": {
        "zh": "以“{char}”开头，导出时会加前缀 ' 以防被表格软件当作公式",
        "en": "starts with '{char}'; exports prefix it with ' so spreadsheets do not run it as a formula",
    },
    "v.crs_reprojected": {
        "zh": "坐标系 {crs} 已转换为 WGS-84（EPSG:4326）",
        "en": "coordinates in {crs} were reprojected to WGS-84 (EPSG:4326)",
    },
    "v.crs_unknown": {
        "zh": "文件未声明坐标系，且坐标（范围 {bounds}）不是经纬度，像是投影坐标（米）：请附上坐标系（.prj 文件或 GeoPackage 的坐标系）或转换为 WGS-84（EPSG:4326）",
        "en": "the file declares no coordinate system and its coordinates (extent {bounds}) are not degrees but look like "
        "projected metres: include the coordinate system (a .prj file, or the GeoPackage's CRS) or reproject to WGS-84 (EPSG:4326)",
    },
    "v.crs_unusable": {
        "zh": "无法将坐标系“{crs}”转换为 WGS-84，请另存为 EPSG:4326",
        "en": "the coordinate system '{crs}' cannot be converted to WGS-84; save the file in EPSG:4326",
    },
    "v.coords_not_degrees": {
        "zh": "文件声明为 WGS-84 经纬度，但坐标范围（{bounds}）超出经纬度取值，像是投影坐标（米）：GeoJSON 必须使用 WGS-84 经纬度，请先转换（如从 EPSG:32651）",
        "en": "the file says WGS-84 degrees but its coordinates (extent {bounds}) are beyond any longitude/latitude and look like "
        "projected metres: GeoJSON must be WGS-84 degrees; reproject it first (e.g. from EPSG:32651)",
    },
    "v.coord_metres": {
        "zh": "{value} 不是经纬度（像是投影坐标，单位米）：请填写 WGS-84 十进制度数",
        "en": "{value} is not a degree value (it looks like projected metres): give WGS-84 decimal degrees",
    },
    "v.geom_mixed": {
        "zh": "文件中混有不同的几何类型：{types}；每个图层只能有一种",
        "en": "the file mixes geometry types ({types}); a layer holds one kind only",
    },
    "v.geom_swapped": {
        "zh": "几何图形的经纬度似乎填反了（x 应为经度，y 应为纬度）",
        "en": "the geometry's x and y look swapped (x must be longitude, y latitude)",
    },
    "v.polygon_outside": {
        "zh": "边界位于金普新区以外（约 {lat}, {lon}）",
        "en": "the boundary lies outside Jinpu New Area (around {lat}, {lon})",
    },
    "v.encoding_utf16": {
        "zh": "文件编码为 UTF-16（Excel 的“Unicode 文本”），请另存为“CSV UTF-8”",
        "en": "the file is UTF-16 (Excel's 'Unicode text'); save it as 'CSV UTF-8' instead",
    },
    "v.bad_wkt": {
        "zh": "“geometry”列的值不是有效的 WKT 几何图形：{value}",
        "en": "the 'geometry' cell is not valid WKT: {value}",
    },
    "v.no_features": {"zh": "文件中没有任何要素（记录）", "en": "the file holds no features (no records)"},
    "v.not_format": {
        "zh": "文件不是有效的 {format} 文件（内容损坏或扩展名不符）",
        "en": "the file is not a valid {format} file (damaged, or the extension does not match its content)",
    },
    "v.delimiter_note": {
        "zh": "CSV 使用“{sep}”分隔各列，已按此读取",
        "en": "the CSV separates columns with '{sep}'; it was read that way",
    },
    "v.internal": {
        "zh": "校验时发生内部错误（{reason}）；文件未被采用",
        "en": "an internal error occurred while checking the file ({reason}); the file was not used",
    },
    "v.crs_assumed": {
        "zh": "文件未声明坐标系，按 WGS-84 经纬度读取",
        "en": "the file declares no coordinate system; read as WGS-84 degrees",
    },
    "v.polygon_file_needed": {
        "zh": "街道图层需要边界几何图形：请上传 GeoJSON、GeoPackage、压缩的 Shapefile，或带 WKT 格式“geometry”列的 CSV",
        "en": "the subdistricts layer needs boundaries: upload GeoJSON, GeoPackage, a zipped Shapefile, or a CSV with a WKT 'geometry' column",
    },
    "v.geom_missing": {"zh": "缺少几何图形", "en": "the geometry is missing"},
    "v.geom_empty": {"zh": "几何图形为空", "en": "the geometry is empty"},
    "v.geom_type": {"zh": "几何类型为 {gtype}，应为 {want}", "en": "the geometry is a {gtype}, expected {want}"},
    "v.geom_invalid_repaired": {
        "zh": "几何图形无效（{reason}），已自动修复，面积变化 {pct:.2f}%",
        "en": "invalid geometry ({reason}) was repaired; area changed by {pct:.2f}%",
    },
    "v.geom_invalid": {
        "zh": "几何图形无效（{reason}），无法可靠修复",
        "en": "invalid geometry ({reason}) that cannot be repaired reliably",
    },
    "v.missing_subdistricts": {
        "zh": "缺少 {n} 个街道：{codes}",
        "en": {"one": "{n} subdistrict is missing: {codes}", "other": "{n} subdistricts are missing: {codes}"},
    },
    "v.overlap": {
        "zh": "与第 {other} 行（{code}）重叠 {km2:.2f} 平方千米",
        "en": "overlaps row {other} ({code}) by {km2:.2f} km²",
    },
    "v.points_in_geojson": {
        "zh": "点位置取自几何图形，lat/lon 列已按几何图形填写",
        "en": "positions were taken from the geometry; lat/lon were filled from it",
    },
    "v.geom_coord_mismatch": {
        "zh": "几何图形位置与 lat/lon 列不一致（相差 {m:.0f} 米）",
        "en": "the geometry and the lat/lon columns disagree by {m:.0f} m",
    },
    "v.ok": {
        "zh": "{layer}：{n} 条记录通过校验",
        "en": {"one": "{layer}: {n} record is valid", "other": "{layer}: {n} records are valid"},
    },
    "v.failed": {
        "zh": "{layer}：发现 {n} 个错误，未作任何更改",
        "en": {
            "one": "{layer}: {n} error found; nothing was changed",
            "other": "{layer}: {n} errors found; nothing was changed",
        },
    },
    "v.unknown_layer": {
        "zh": "未知的图层“{layer}”，可选：{allowed}",
        "en": "unknown layer '{layer}'; choose one of {allowed}",
    },
    "v.file_not_found": {"zh": "找不到文件：{path}", "en": "file not found: {path}"},
}
