"""Labels in Simplified Chinese (the default) and English, and the names of the contract's enums.

Pages call ``t(key)``; a key missing from the table shows itself, so a forgotten label is visible
on the page rather than an empty cell.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")
DEFAULT = "zh"

LABELS: dict[str, tuple[str, str]] = {
    "console": ("投诉监督控制台", "Complaint supervision console"),
    "overview": ("总览", "Overview"), "cases": ("工单查询", "Cases"), "supervision": ("督办", "Supervision"),
    "bulletin": ("通报", "Bulletin"), "records": ("核查记录", "Verification records"),
    "sign_in": ("登录", "Sign in"), "sign_out": ("退出", "Sign out"), "token": ("访问令牌", "Access token"),
    "signed_in": ("已登录", "Signed in"), "not_signed_in": ("未登录（访问控制关闭时可直接使用）",
                                                        "Not signed in (fine while access control is off)"),
    "today_intake": ("今日受理", "Intake today"), "month_intake": ("本月受理", "Intake this month"),
    "by_channel": ("按渠道", "By channel"), "open_by_status": ("在途工单（按状态）", "Open cases by status"),
    "overdue_now": ("当前超时", "Overdue now"), "timely_rate": ("及时处理率", "Timely-handling rate"),
    "target": ("目标", "Target"), "breaches": ("超时", "Breaches"),
    "escalations_by_level": ("升级（按级别）", "Escalations by level"), "at_risk": ("越级风险清单", "At-risk (越级) list"),
    "level": ("级别", "Level"), "score": ("风险分", "Score"), "region": ("区域", "Region"),
    "case_id": ("工单号", "Case"), "customer": ("客户", "Customer"), "category": ("类别", "Category"),
    "channel": ("渠道", "Channel"), "status": ("状态", "Status"), "period": ("期间", "Period"),
    "from": ("起", "From"), "to": ("止", "To"), "overdue": ("超时", "Overdue"), "search": ("查询", "Search"),
    "any": ("全部", "Any"), "owner": ("首问责任人", "Owner"), "registered_at": ("受理时间", "Registered"),
    "deadline": ("时限", "Deadline"), "next_page": ("下一页", "Next page"), "no_cases": ("没有符合条件的工单",
                                                                                   "No matching cases"),
    "timeline": ("全流程时间线", "Timeline across the services"), "time": ("时间", "Time"),
    "service": ("服务", "Service"), "event": ("事件", "Event"), "details": ("内容", "Details"),
    "submissions": ("受理记录与合并", "Submissions and merges"), "summary": ("内容摘要", "Summary"),
    "first_contact": ("首问人", "First contact"), "merge_reason": ("合并原因", "Merge reason"),
    "work_orders": ("派单", "Work orders"), "department": ("部门", "Department"), "state": ("状态", "State"),
    "due_at": ("到期时间", "Due"), "deadlines": ("时限", "Deadlines"), "kind": ("类型", "Kind"),
    "escalation_level": ("升级级别", "Escalation level"), "supervised": ("督办中", "Supervised"),
    "urgings": ("催办记录", "Urgings"), "by": ("催办人", "By"), "note": ("说明", "Note"),
    "verification": ("闭环核查", "Verification record"), "result": ("结果", "Result"),
    "responsible_unit": ("责任单位", "Responsible unit"), "root_cause_class": ("原因分类", "Root-cause class"),
    "company_at_fault": ("公司责任", "Company at fault"), "actions": ("整改措施", "Corrective actions"),
    "evidence": ("佐证", "Evidence"), "callback": ("回访", "Callback"), "recurrence_window": ("复发观察期",
                                                                                      "Recurrence window"),
    "blockers": ("未满足条件", "Blockers"), "audit_chain": ("审计链", "Audit chain"), "seq": ("序号", "Seq"),
    "intact": ("完整", "Intact"), "broken": ("被篡改", "Broken"), "none": ("无", "None"),
    "watch_list": ("超时与升级工单", "Overdue and escalated cases"), "by_level": ("按级别", "By level"),
    "by_unit": ("按单位", "By unit"), "supervision_list": ("督办清单", "Supervision list"),
    "supervisor": ("督办人", "Supervisor"), "since": ("督办时间", "Since"), "reason": ("原因", "Reason"),
    "urge": ("催办", "Urge"), "mark": ("列入督办", "Mark for supervision"), "reassign": ("改派", "Reassign"),
    "new_owner": ("新责任人", "New owner"), "done": ("已完成", "Done"),
    "daily": ("日报", "Daily"), "weekly": ("周报", "Weekly"), "monthly": ("月报", "Monthly"),
    "rank": ("排名", "Rank"), "name": ("名称", "Name"), "account": ("工号", "Account id"), "unit": ("单位", "Unit"), "total_cases": ("工单数", "Cases"),
    "resolved": ("已办结", "Resolved"), "yellow_cards": ("黄牌", "Yellow cards"),
    "change": ("环比", "Change vs previous"), "previous": ("上期", "Previous period"),
    "satisfaction": ("满意率", "Satisfaction"), "avg_hours": ("平均处理时长(小时)", "Average hours"),
    "rank_by_unit": ("单位排名", "Ranking by unit"), "rank_by_department": ("部门排名", "Ranking by department"),
    "rank_by_region": ("区域排名", "Ranking by region"), "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 Excel", "Download xlsx"), "download_jsonl": ("下载 JSON Lines", "Download JSON lines"),
    "print": ("打印", "Print"), "meets_target": ("达标", "Meets target"), "below_target": ("未达标", "Below target"),
    "opened_from": ("开立起", "Opened from"), "opened_to": ("开立止", "Opened to"), "filter": ("筛选", "Filter"),
    "customer_closed_at": ("客户办结", "Customer closure"), "management_closed_at": ("管理办结", "Management closure"),
    "verify_chain": ("校验审计链", "Verify the audit chain"), "from_seq": ("起始序号", "From seq"),
    "to_seq": ("截止序号", "To seq"), "chain_ok": ("审计链完整", "Audit chain intact"),
    "chain_broken": ("审计链被破坏", "Audit chain broken"), "checked": ("已校验条目", "Entries checked"),
    "range": ("范围", "Range"), "first_broken": ("首个异常条目", "First broken entry"), "start": ("开头", "start"),
    "end": ("末尾", "end"),
    "forbidden": ("无权执行此操作：审计员只能查看，不能催办、督办或改派。",
                  "Not allowed: auditors may only read; they cannot urge, mark or reassign."),
    "unauthenticated": ("需要登录：请输入访问令牌。", "Sign in first: give your access token."),
    "not_found": ("未找到。", "Not found."), "invalid": ("输入有误：", "Invalid input: "),
    "unavailable": ("服务暂不可用：", "A service could not answer: "), "no_data": ("暂无数据", "No data"),
    "yes": ("是", "Yes"), "no": ("否", "No"), "unclear": ("不明确", "Unclear"),
    "language": ("English", "中文"), "as_of": ("汇总数据时间", "Aggregates as of"), "this_month": ("本月", "This month"),
    "no_resolved": ("本期尚无办结工单", "nothing resolved yet"), "not_supervised": ("未督办", "Not supervised"),
    "urged": ("已催办", "Urged"), "marked": ("已列入督办", "Marked for supervision"), "reassigned": ("已改派", "Reassigned"),
}

ENUMS: dict[str, tuple[str, str]] = {
    # complaint categories (intake's vocabulary)
    "network_signal": ("手机信号", "Mobile signal"), "broadband_outage": ("宽带故障", "Broadband outage"),
    "billing_dispute": ("话费争议", "Billing dispute"), "value_added_charges": ("增值业务扣费", "Value-added charges"),
    "service_attitude": ("服务态度", "Service attitude"),
    "installation_repair_delay": ("装机维修延误", "Installation or repair delay"),
    "number_plan_change": ("套餐变更", "Plan change"), "porting": ("携号转网", "Number porting"),
    "other": ("其他", "Other"), "fixed_line_fault": ("固话故障", "Fixed-line fault"),
    "mobile_data_speed": ("手机上网慢", "Mobile data speed"), "no_service": ("手机无服务", "No service"),
    # CaseStatus
    "REGISTERED": ("已受理", "Registered"), "ASSIGNED": ("已分配", "Assigned"), "DISPATCHED": ("已派单", "Dispatched"),
    "RESOLVED": ("客户办结", "Resolved"), "VERIFYING": ("核查中", "Verifying"), "CLOSED": ("管理办结", "Closed"),
    "REOPENED": ("重新处理", "Reopened"),
    # Channel
    "HOTLINE": ("热线", "Hotline"), "ONLINE_HALL": ("网上营业厅", "Online hall"), "MOBILE_APP": ("手机营业厅", "Mobile app"),
    "SMS": ("短信", "SMS"), "WECHAT": ("微信", "WeChat"), "WEIBO": ("微博", "Weibo"), "KIOSK": ("自助终端", "Kiosk"),
    "STORE": ("营业厅", "Store"), "REGULATOR": ("管局申诉", "Regulator"), "EMAIL": ("电子邮件", "E-mail"),
    "ONLINE_CHAT": ("在线客服", "Online chat"), "PROXY": ("代用户投诉", "Proxy"),
    # WorkOrderState and kind
    "ACCEPTED": ("已接单", "Accepted"), "REPLIED": ("已回复", "Replied"), "RETURNED": ("已退单", "Returned"),
    "CANCELLED": ("已取消", "Cancelled"), "DEPARTMENT": ("部门工单", "Department"), "CONSULT": ("专家咨询", "Consult"),
    # DeadlineState and kind
    "OPEN": ("计时中", "Running"), "WARNED": ("预警", "Warned"), "BREACHED": ("已超时", "Breached"),
    "MET": ("已完成", "Met"), "PAUSED": ("暂停（等待客户）", "Paused (waiting on customer)"),
    "WORK_ORDER_ACCEPT": ("接单时限", "Work-order accept"), "WORK_ORDER_REPLY": ("回单时限", "Work-order reply"),
    "CASE_REPLY": ("答复客户时限", "Case reply"), "PROMISED_REPLY": ("承诺答复", "Promised reply"),
    "CONSULT_REPLY": ("咨询答复", "Consult reply"), "EXPLANATION": ("情况说明", "Explanation"),
    "CORRECTIVE_ACTION": ("整改时限", "Corrective action"),
    # VerificationResult
    "PENDING": ("核查中", "Pending"),
    # producers
    "intake": ("受理", "intake"), "dispatch": ("派单", "dispatch"), "escalation": ("监督", "escalation"),
    "verification": ("核查", "verification"),
}


def pick(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT


def translator(lang: str):
    index = LANGUAGES.index(pick(lang))

    def t(key: str) -> str:
        pair = LABELS.get(key) or ENUMS.get(key)
        return pair[index] if pair else key

    return t
