"""Looking at cases: one case (intake's view), its timeline (escalation), the overdue and the at-risk lists."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from complaints.v1 import common_pb2, escalation_service_pb2 as esc, intake_service_pb2 as intake

from .common import JsonOption, TargetOption, as_dict, calling, enum_name, err, print_json, table, when

cases = typer.Typer(help="One case: its state and its timeline (案件).", no_args_is_help=True)

# Labels in both languages: the complaint centre's staff read Chinese, integrators the field names.
CASE_FIELDS = (("case_id", "案件 case"), ("status", "状态 status"), ("customer_id", "客户 customer"),
               ("category", "类别 category"), ("severity", "严重度 severity"), ("tier", "客户等级 tier"),
               ("priority", "优先级 priority"), ("region", "地区 region"), ("channels", "渠道 channels"),
               ("contact_count", "来电次数 contacts"), ("owner", "首问责任人 owner"),
               ("current_deadline", "当前时限 deadline"), ("escalation_level", "升级级别 escalation"),
               ("overdue", "超时 overdue"), ("regulator_case", "工信部申诉 regulator case"),
               ("regulator_risk", "越级风险 regulator risk"), ("proxy_case_id", "代用户投诉 proxy case"),
               ("registered_at", "受理时间 registered"), ("updated_at", "更新时间 updated"))


def case_row(view: intake.CaseView, name: str) -> str:
    if name == "status":
        return enum_name(common_pb2.CaseStatus, "CASE_STATUS_", view.status)
    if name == "channels":
        return ", ".join(enum_name(common_pb2.Channel, "CHANNEL_", channel) for channel in view.channels)
    if name in ("current_deadline", "registered_at", "updated_at"):
        return when(view, name)
    value = getattr(view, name)
    if isinstance(value, bool):
        return "yes 是" if value else "no 否"
    return f"{value:.0f}" if isinstance(value, float) else str(value)


@cases.command("show")
def show(ctx: typer.Context, case_id: Annotated[str, typer.Argument(help="the case id")] = "",
         submission: Annotated[str, typer.Option(help="or the case a submission joined (with --channel)")] = "",
         channel: Annotated[str, typer.Option(help="the submission's channel, e.g. HOTLINE")] = "",
         target: TargetOption = None, as_json: JsonOption = False) -> None:
    """A case as intake sees it: status, owner, deadline, escalation, risk (IntakeService.GetCase)."""
    if bool(case_id) == bool(submission) or bool(submission) != bool(channel):
        raise typer.BadParameter("give a case id, or --submission with --channel")
    request = intake.GetCaseRequest(case_id=case_id, submission_id=submission)
    if channel:
        try:
            request.channel = common_pb2.Channel.Value("CHANNEL_" + channel.upper().removeprefix("CHANNEL_"))
        except ValueError:
            raise typer.BadParameter(f"unknown channel {channel!r}", param_hint="--channel") from None
    with calling(ctx, "intake", target, f"the lookup of case {case_id or submission}") as stub:
        view = stub.GetCase(request, **ctx.find_root().obj.options("intake")).case
    if as_json:
        print_json(as_dict(view))
        return
    table(f"案件 {view.case_id}", ["field 字段", "value 值"],
          [[label, case_row(view, name)] for name, label in CASE_FIELDS])


@cases.command("timeline")
def timeline(ctx: typer.Context, case_id: str, target: TargetOption = None, as_json: JsonOption = False) -> None:
    """Every event of a case, from every service, in order (EscalationService.GetTimeline)."""
    with calling(ctx, "escalation", target, f"the timeline of case {case_id}") as stub:
        answer = stub.GetTimeline(esc.GetTimelineRequest(case_id=case_id),
                                  **ctx.find_root().obj.options("escalation"))
    status = enum_name(common_pb2.CaseStatus, "CASE_STATUS_", answer.status)
    if as_json:
        print_json({"case_id": case_id, "status": status,
                    "entries": [{**as_dict(entry), "json": json.loads(entry.json) if entry.json else None}
                                for entry in answer.entries]})
        return
    table(f"案件 {case_id} 时间线 timeline ({status})", ["时间 at (UTC)", "服务 producer", "事件 event"],
          [[when(entry, "occurred_at"), entry.producer, entry.event_type.removeprefix("complaints.v1.")]
           for entry in answer.entries])


def overdue(ctx: typer.Context, target: TargetOption = None,
            region: Annotated[str, typer.Option(help="only this region")] = "",
            category: Annotated[str, typer.Option(help="only this category")] = "",
            limit: Annotated[int, typer.Option(min=1, help="at most this many cases")] = 500,
            as_json: JsonOption = False) -> None:
    """Open cases with an overdue item (超时), oldest registered first (IntakeService.SearchCases)."""
    found: list[intake.CaseView] = []
    request = intake.SearchCasesRequest(region=region, category=category, overdue=True,
                                        page=common_pb2.PageRequest(page_size=min(limit, 200)))
    with calling(ctx, "intake", target, "the overdue search") as stub, _pages(limit) as progress:
        task = progress.add_task("overdue cases", total=limit)
        while len(found) < limit:
            answer = stub.SearchCases(request, **ctx.find_root().obj.options("intake"))
            found += answer.cases[:limit - len(found)]
            progress.update(task, completed=len(found))
            if not answer.next_page_token:
                break
            request.page.page_token = answer.next_page_token
    found = [view for view in found if view.status != common_pb2.CASE_STATUS_CLOSED]
    if as_json:
        print_json([as_dict(view) for view in found])
        return
    table(f"超时案件 overdue cases: {len(found)}",
          ["案件 case", "状态 status", "地区 region", "类别 category", "责任人 owner", "时限 deadline", "升级 level"],
          [[view.case_id, case_row(view, "status"), view.region, view.category, view.owner,
            when(view, "current_deadline"), view.escalation_level] for view in found])


def at_risk(ctx: typer.Context, target: TargetOption = None,
            limit: Annotated[int, typer.Option(min=1, max=1000, help="how many (the service caps it)")] = 20,
            as_json: JsonOption = False) -> None:
    """Cases most at risk of an appeal to the regulator (越级风险), riskiest first (ListAtRiskCases)."""
    with calling(ctx, "escalation", target, "the at-risk list") as stub:
        answer = stub.ListAtRiskCases(esc.ListAtRiskCasesRequest(limit=limit),
                                      **ctx.find_root().obj.options("escalation"))
    if as_json:
        print_json([as_dict(case) for case in answer.cases])
        return
    table("越级风险 cases at risk", ["#", "案件 case", "风险 score", "地区 region", "升级 level"],
          [[rank, case.case_id, f"{case.score:.0f}", case.region, case.escalation_level]
           for rank, case in enumerate(answer.cases, 1)])


def _pages(limit: int) -> Progress:
    """Paging through a long list shows how far it got (on a terminal only; stderr)."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=True, disable=not err.is_terminal)
