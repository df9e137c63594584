"""Strings of the batch coverage runs (``python -m geo coverage-batch``, geo/data/batch.py)."""

STRINGS = {
    # the three input files
    "bt.kind.units": {"zh": "单元（乡镇/街道）", "en": "units"},
    "bt.kind.points": {"zh": "助餐点", "en": "meal points"},
    "bt.kind.population": {"zh": "人口", "en": "population"},
    "bt.file_ok": {
        "zh": "{kind}（{file}）：{n} 行可用",
        "en": {"one": "{kind} ({file}): {n} row is usable", "other": "{kind} ({file}): {n} rows are usable"},
    },
    "bt.file_failed": {
        "zh": "{kind}（{file}）：发现 {n} 个错误，未写出任何结果",
        "en": {
            "one": "{kind} ({file}): {n} error found; nothing was written",
            "other": "{kind} ({file}): {n} errors found; nothing was written",
        },
    },
    "bt.not_geoparquet": {
        "zh": "文件不是 GeoParquet：缺少几何列（“geo”元数据）；请用 GeoPandas 的 to_parquet 或 ogr2ogr -f Parquet 写出",
        "en": "the file is not GeoParquet: it has no geometry column ('geo' metadata); write it with GeoPandas' "
        "to_parquet or ogr2ogr -f Parquet",
    },
    "bt.not_degrees": {
        "zh": "坐标超出经纬度范围（{bounds}）：请检查文件声明的坐标系",
        "en": "the coordinates are beyond any longitude/latitude ({bounds}): check the coordinate system the file declares",
    },
    "bt.missing_name": {
        "zh": "缺少名称列：需要 name、name_zh 或 name_en 之一",
        "en": "no name column: one of name, name_zh or name_en is required",
    },
    "bt.empty_code": {"zh": "编码为空", "en": "the code is empty"},
    "bt.duplicate_code": {
        "zh": "编码“{code}”与第 {other} 行重复",
        "en": "the code '{code}' repeats row {other}",
    },
    "bt.empty_name": {"zh": "名称为空", "en": "the name is empty"},
    "bt.duplicate_id": {"zh": "编号“{id}”与第 {other} 行重复", "en": "the id '{id}' repeats row {other}"},
    "bt.unknown_unit_code": {
        "zh": "“{value}”不是任何单元的编码：该点按所在位置计入单元",
        "en": "'{value}' is not the code of any unit: the point is counted in the unit that contains it",
    },
    "bt.missing_weight": {
        "zh": "缺少人口列：需要 pop_60plus 和/或 pop_total",
        "en": "no population column: pop_60plus and/or pop_total is required",
    },
    "bt.bad_weight": {
        "zh": "“{value}”不是大于等于 0 的有限数",
        "en": "'{value}' is not a finite number >= 0",
    },
    "bt.more": {
        "zh": "另有 {n} 处同类问题未逐一列出",
        "en": {
            "one": "{n} more issue of the same kind is not listed",
            "other": "{n} more issues of this kind are not listed",
        },
    },
    # the command
    "bt.usage.radius": {
        "zh": "--radius 应为以逗号分隔的正数（米），如 300,500,1000：{value}",
        "en": "--radius takes positive numbers in metres separated by commas, e.g. 300,500,1000: {value}",
    },
    "bt.usage.bad": {"zh": "参数错误：{reason}", "en": "invalid arguments: {reason}"},
    "bt.usage.no_folder": {
        "zh": "--out 所在的文件夹不存在：{folder}",
        "en": "--out: the folder {folder} does not exist",
    },
    "bt.usage.scheduler_local": {
        "zh": "--scheduler 只能与 --engine dask 一起使用",
        "en": "--scheduler needs --engine dask",
    },
    "bt.usage.workers_scheduler": {
        "zh": "--workers 只用于本机集群；连接已有集群（--scheduler）时由该集群决定",
        "en": "--workers sizes the local cluster only; with --scheduler the existing cluster decides",
    },
    "bt.no_dask": {
        "zh": "--engine dask 需要 Python 包“{module}”，但未安装：请运行 pip install -r requirements-dev.txt（或 pip install dask distributed），或改用 --engine local",
        "en": "--engine dask needs the Python package '{module}', which is not installed: run "
        "pip install -r requirements-dev.txt (or pip install dask distributed), or use --engine local",
    },
    "bt.start": {
        "zh": "引擎 {engine}：单元 {units} 个，分区 {partitions} 个，工作进程 {workers} 个",
        "en": "engine {engine}: units {units}, partitions {partitions}, workers {workers}",
    },
    "bt.dashboard": {"zh": "dask 仪表板：{link}", "en": "dask dashboard: {link}"},
    "bt.partition_done": {
        "zh": "分区 {done}/{total}（#{index}）完成：{units} 个单元，{cells} 个需求格网，投影 {zones}，{seconds:.1f} 秒，峰值内存 {rss:.0f} MB（{worker}）",
        "en": "partition {done}/{total} (#{index}) done: {units} units, {cells} demand cells, {zones}, "
        "{seconds:.1f} s, peak memory {rss:.0f} MB ({worker})",
    },
    "bt.written": {
        "zh": "已写出 {rows} 行（{units} 个单元 × {radii} 个半径）到 {out}，用时 {seconds:.1f} 秒",
        "en": "wrote {rows} rows ({units} units × {radii} radii) to {out} in {seconds:.1f} s",
    },
    "bt.population.none": {
        "zh": "未提供人口（--population，或单元上的 pop_60plus/pop_total）：人口指标为空值",
        "en": "no population given (--population, or pop_60plus/pop_total on the units): the population metrics are NaN",
    },
    "bt.population.units": {
        "zh": "人口取自单元的 {basis} 列，并在单元的需求格网上均匀分布（与覆盖分析页面相同）",
        "en": "population from the units' {basis} column, spread uniformly over each unit's demand cells "
        "(as on the coverage page)",
    },
    "bt.population.points": {
        "zh": "人口取自人口点的 {basis} 列：按给定的点精确计算",
        "en": "population from the {basis} column of the population points: exact for the given points",
    },
    "bt.internal": {
        "zh": "批量计算时发生内部错误（{reason}）；未写出任何结果",
        "en": "an internal error occurred during the batch run ({reason}); nothing was written",
    },
}
