"""Strings of the registry (geo.data.registry) and its command line (python -m geo registry)."""

STRINGS = {
    # ---------------------------------------------------------------- errors (RegistryError keys)
    "reg.err.unavailable": {
        "zh": "数据库暂时无法连接，正在显示最近一次发布的数据；编辑功能暂不可用",
        "en": "the database cannot be reached; the last published data is shown and editing is unavailable",
    },
    "reg.err.rate_client": {
        "zh": "提交过于频繁：每 {minutes} 分钟最多 {limit} 条，请稍后再试",
        "en": "too many reports: at most {limit} every {minutes} minutes; please try again later",
    },
    "reg.err.rate_server": {
        "zh": "目前收到的报告太多（每小时上限 {limit} 条），请稍后再试",
        "en": "too many reports are coming in right now (limit {limit} an hour); please try again later",
    },
    "reg.err.report_kind": {
        "zh": "报告类型“{kind}”无效，应为：{allowed}",
        "en": "report kind '{kind}' is not valid; expected one of: {allowed}",
    },
    "reg.err.report_text_type": {"zh": "说明必须是文字", "en": "the note must be text"},
    "reg.err.report_text_long": {
        "zh": "说明有 {n} 个字，最多 {limit} 个",
        "en": "the note has {n} characters; the limit is {limit}",
    },
    "reg.err.report_coords": {
        "zh": "位置无效：需要同时给出纬度和经度（数字）",
        "en": "the position is not valid: give both latitude and longitude, as numbers",
    },
    "reg.err.report_position_needed": {
        "zh": "请在地图上点选正确的位置",
        "en": "tap the right place on the map",
    },
    "reg.err.report_outside": {
        "zh": "所选位置不在金普新区范围内",
        "en": "the chosen place is outside Jinpu New Area",
    },
    "reg.err.report_point_needed": {
        "zh": "请指明报告针对哪个助餐点",
        "en": "say which meal point the report is about",
    },
    "reg.err.not_editor": {
        "zh": "需要以编辑身份登录才能执行此操作",
        "en": "you need to be signed in as an editor to do this",
    },
    "reg.err.not_publisher": {
        "zh": "只有发布人可以发布、撤销或放弃变更",
        "en": "only a publisher may publish, revert or discard changes",
    },
    "reg.err.sign_in": {"zh": "用户名或密码不正确", "en": "wrong name or password"},
    "reg.err.editor_name": {
        "zh": "编辑名称须为 1–64 个字符，且不含控制字符",
        "en": "an editor's name must be 1–64 characters without control characters",
    },
    "reg.err.password_short": {
        "zh": "密码至少需要 {n} 个字符",
        "en": "the password needs at least {n} characters",
    },
    "reg.err.email": {"zh": "电子邮件地址“{email}”无效", "en": "'{email}' is not a valid e-mail address"},
    "reg.err.unknown_layer": {
        "zh": "未知的图层“{layer}”，应为：{allowed}",
        "en": "unknown layer '{layer}'; expected one of: {allowed}",
    },
    "reg.err.unknown_record": {
        "zh": "{layer} 中没有编号为“{record_id}”的记录",
        "en": "there is no record '{record_id}' in {layer}",
    },
    "reg.err.unknown_field": {
        "zh": "未知的字段：{fields}",
        "en": "unknown fields: {fields}",
    },
    "reg.err.id_fixed": {
        "zh": "记录编号不能修改（“{record_id}”）",
        "en": "a record's id cannot be changed ('{record_id}')",
    },
    "reg.err.id_exists": {
        "zh": "编号“{record_id}”已存在",
        "en": "the id '{record_id}' is already taken",
    },
    "reg.err.no_change": {"zh": "没有任何改动", "en": "nothing would change"},
    "reg.err.invalid_edit": {
        "zh": "改动未通过校验（{n} 个错误）",
        "en": {
            "one": "the edit did not pass validation ({n} error)",
            "other": "the edit did not pass validation ({n} errors)",
        },
    },
    "reg.err.publish_invalid": {
        "zh": "没有发布：发布后 {layer} 数据将无法通过校验（{first}）。请先修改相关记录。",
        "en": "not published: the {layer} would no longer pass validation ({first}). Change the records concerned first.",
    },
    "reg.err.published_invalid": {
        "zh": "已发布的 {layer} 数据未通过校验：{first}",
        "en": "the published {layer} do not pass validation: {first}",
    },
    "reg.err.import_rejected": {
        "zh": "文件未通过校验（{n} 个错误），未做任何改动",
        "en": {
            "one": "the file did not pass validation ({n} error); nothing was changed",
            "other": "the file did not pass validation ({n} errors); nothing was changed",
        },
    },
    "reg.err.unknown_report": {"zh": "没有编号为 {id} 的报告", "en": "there is no report {id}"},
    "reg.err.report_not_pending": {
        "zh": "报告 {id} 已处理（{status}）",
        "en": "report {id} has already been handled ({status})",
    },
    "reg.err.merge_into": {
        "zh": "报告不能合并到其自身或不存在的报告",
        "en": "a report can only be merged into another existing report",
    },
    "reg.err.unknown_changeset": {"zh": "没有编号为 {id} 的变更集", "en": "there is no change set {id}"},
    "reg.err.changeset_state": {
        "zh": "变更集 {id} 的状态为“{status}”，无法执行此操作",
        "en": "change set {id} is {status}; this cannot be done to it",
    },
    "reg.err.conflict": {
        "zh": "“{record_id}”（{layer}）在此期间已被变更集 {cs} 修改（{by}，{when}）；请在最新数据上重新编辑",
        "en": "'{record_id}' ({layer}) was changed meanwhile by change set {cs} ({by}, {when}); edit the current data again",
    },
    "reg.err.conflict_exists": {
        "zh": "“{record_id}”（{layer}）已存在（变更集 {cs}）",
        "en": "'{record_id}' ({layer}) already exists (change set {cs})",
    },
    "reg.err.revert_seed": {
        "zh": "初始数据（变更集 1）不能撤销",
        "en": "the initial data (change set 1) cannot be reverted",
    },
    "reg.err.restore_not_empty": {
        "zh": "只能恢复到空的登记库中（此库已有 {n} 个变更集）",
        "en": "a backup can only be restored into an empty registry (this one holds {n} change sets)",
    },
    "reg.err.restore_bad": {
        "zh": "备份文件夹无效：{reason}",
        "en": "the backup folder is not valid: {reason}",
    },
    "reg.err.seed_invalid": {
        "zh": "初始数据无效：{reason}",
        "en": "the seed data is not valid: {reason}",
    },
    # ---------------------------------------------------------------- command line
    "reg.cli.initialised": {
        "zh": "登记库已就绪：{url}，已发布版本 {version}",
        "en": "registry ready: {url}, published version {version}",
    },
    "reg.cli.status": {
        "zh": "登记库：{url}\n已发布版本：{version}\n记录：{records}\n待审报告：{reports}\n待发布变更集：{pending}\n编辑：{editors}",
        "en": "registry: {url}\npublished version: {version}\nrecords: {records}\npending reports: {reports}\nproposed change sets: {pending}\neditors: {editors}",
    },
    "reg.cli.exported": {"zh": "已导出：{path}", "en": "exported: {path}"},
    "reg.cli.diff": {
        "zh": "变更集 {id}（{status}）：新增 {added}，修改 {changed}，删除 {removed}，未变 {unchanged}",
        "en": "change set {id} ({status}): {added} added, {changed} changed, {removed} removed, {unchanged} unchanged",
    },
    "reg.cli.history": {
        "zh": "#{id} {when} {status} {source} {ref} · {by} · {n} 项改动 {note}",
        "en": "#{id} {when} {status} {source} {ref} · {by} · {n} changes {note}",
    },
    "reg.cli.history_change": {
        "zh": "    {op} {layer}/{record_id}: {fields}",
        "en": "    {op} {layer}/{record_id}: {fields}",
    },
    "reg.cli.reverted": {
        "zh": "变更集 {reverted} 已撤销：新变更集 {id}，版本 {version}",
        "en": "change set {reverted} reverted by change set {id}; version {version}",
    },
    "reg.cli.restored": {
        "zh": "已恢复 {n} 个变更集和 {reports} 条报告；版本 {version}",
        "en": "restored {n} change sets and {reports} reports; version {version}",
    },
    "reg.cli.editor_added": {
        "zh": "编辑“{name}”已设置（发布人：{publisher}）",
        "en": "editor '{name}' set up (publisher: {publisher})",
    },
    "reg.cli.password": {"zh": "密码：", "en": "Password: "},
    "reg.cli.password_again": {"zh": "再次输入密码：", "en": "Password again: "},
    "reg.cli.password_mismatch": {"zh": "两次输入的密码不一致", "en": "the passwords do not match"},
    "reg.cli.no_password": {"zh": "标准输入中没有密码", "en": "no password on standard input"},
    "reg.cli.yes": {"zh": "是", "en": "yes"},
    "reg.cli.no": {"zh": "否", "en": "no"},
    "reg.cli.error": {"zh": "错误：{message}", "en": "error: {message}"},
    "reg.cli.file_missing": {"zh": "找不到文件：{path}", "en": "file not found: {path}"},
    # ---------------------------------------------------------------- records of the registry
    "reg.source.seed": {"zh": "初始数据", "en": "initial data"},
    "reg.source.report": {"zh": "居民报告", "en": "resident's report"},
    "reg.source.import": {"zh": "批量导入", "en": "batch import"},
    "reg.source.edit": {"zh": "直接编辑", "en": "direct edit"},
    "reg.source.revert": {"zh": "撤销", "en": "revert"},
    "reg.source.restore": {"zh": "从备份恢复", "en": "restored from a backup"},
}
