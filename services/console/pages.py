"""The pages: each asks the services over gRPC, hands the answers to a view-model, renders it."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from complaints.v1 import (common_pb2, dispatch_service_pb2 as dispatch, escalation_service_pb2 as escalation,
                           intake_service_pb2 as intake, verification_service_pb2 as verification)

from . import exports, i18n
from .app import Console, form_value, language, user_name
from .clients import ServiceRefusal
from .snapshots import Snapshot
from .views import bulletin as bulletin_views, case_page, overview as overview_views, records as record_views
from .views.cases import search_request, search_rows

PERIODS = {"daily": escalation.BULLETIN_PERIOD_DAILY, "weekly": escalation.BULLETIN_PERIOD_WEEKLY,
           "monthly": escalation.BULLETIN_PERIOD_MONTHLY}
PAGE_SIZE = 50
AGGREGATE_S = 120.0  # counts and bulletins scan a period's cases: seconds with 10,000 of them


def _costly(key) -> bool:
    """Snapshots that cost a scan of a period's or every open case (see forget)."""
    return key[0] in ("intake counts", "bulletin") or key[:2] == ("escalation", "ListWatchedCases")


def _first_refusal(answers: list[Any]) -> ServiceRefusal | None:
    return next((answer for answer in answers if isinstance(answer, ServiceRefusal)), None)


def _stamp(moment: datetime):
    from google.protobuf.timestamp_pb2 import Timestamp

    stamp = Timestamp()
    stamp.FromDatetime(moment.astimezone(timezone.utc))
    return stamp


def routes(console: Console) -> list[tuple[str, Any, list[str]]]:
    zone = console.settings.timezone

    def bulletin_snapshot(request: Request, period: str, at: datetime) -> Snapshot:
        """One bulletin (GetBulletin's JSON), kept under the local day it was asked for: the overview
        and the bulletin page share this month's."""
        day = at.astimezone(ZoneInfo(zone)).date().isoformat()
        session = console.session(request)
        return console.snapshot(request, ("bulletin", period, day), lambda: json.loads(session.call(
            "escalation", "GetBulletin", escalation.GetBulletinRequest(period=PERIODS[period], at=_stamp(at)),
            AGGREGATE_S).json))

    def overview(request: Request) -> Response:
        now = datetime.now(timezone.utc)
        start_today, start_month, tomorrow = overview_views.day_and_month(now, zone)
        session = console.session(request)
        counting = intake.SummariseCasesRequest(registered_from=_stamp(start_month), registered_to=_stamp(tomorrow),
                                                day_from=_stamp(start_today))
        try:
            with ThreadPoolExecutor(2) as pool:  # a first load computes both at once
                counted = pool.submit(console.snapshot, request, ("intake counts", start_today.isoformat()),
                                      lambda: session.call("intake", "SummariseCases", counting, AGGREGATE_S))
                monthly = pool.submit(bulletin_snapshot, request, "monthly", now)
                at_risk = console.listed(request, "escalation", "ListAtRiskCases",
                                         escalation.ListAtRiskCasesRequest(limit=10))
                counted, monthly = counted.result(), monthly.result()
        except ServiceRefusal as refusal:
            return console.refused(request, refusal)
        return console.render(request, "overview.html", as_of=min(counted.taken_at, monthly.taken_at, at_risk.taken_at),
                              view=overview_views.overview(counted.value, monthly.value, at_risk.value))

    def cases(request: Request) -> Response:
        params = dict(request.query_params)
        if not any(params.get(name) for name in ("from", "to", "customer")):
            # this month unless asked otherwise: a period lets the registration index serve the search
            start_month = overview_views.day_and_month(datetime.now(timezone.utc), zone)[1]
            params["from"] = start_month.astimezone(ZoneInfo(zone)).date().isoformat()
        try:
            service, method, query = search_request(params, zone, PAGE_SIZE)
        except ValueError as problem:
            return console.render(request, "cases.html", status=400, params=params, problem=str(problem), rows=[])
        try:
            found = console.listed(request, service, method, query)
        except ServiceRefusal as refusal:
            return console.refused(request, refusal, "cases.html", params=params, rows=[])
        return console.render(request, "cases.html", params=params, rows=search_rows(found.value.cases, zone),
                              next_token=found.value.next_page_token, as_of=found.taken_at)

    def case(request: Request) -> Response:
        case_id = request.path_params["case_id"]
        session = console.session(request)
        answers = session.calls(
            ("intake", "GetCase", intake.GetCaseRequest(case_id=case_id)),
            ("intake", "ListSubmissions", intake.ListSubmissionsRequest(case_id=case_id)),
            ("dispatch", "ListWorkOrders", dispatch.ListWorkOrdersRequest(case_id=case_id)),
            ("escalation", "GetCaseSupervision", escalation.GetCaseSupervisionRequest(case_id=case_id)),
            ("escalation", "GetTimeline", escalation.GetTimelineRequest(case_id=case_id)),
            ("verification", "GetRecord", verification.GetRecordRequest(case_id=case_id)),
            ("verification", "GetCaseAudit", verification.GetCaseAuditRequest(case_id=case_id)))
        # a case not yet known to a later service has nothing there: only the intake's answer is required
        missing = [isinstance(answer, ServiceRefusal) and answer.kind == "not_found" for answer in answers]
        if refusal := _first_refusal([a for a, gone in zip(answers, missing) if not gone]) or (
                answers[0] if missing[0] else None):
            return console.refused(request, refusal)
        found = [None if gone else answer for answer, gone in zip(answers, missing)]
        view, submissions, orders, supervision, timeline, record, audit = found
        page = case_page.CasePage(case_id=case_id, case=case_page.case_summary(view.case, zone))
        page.timeline = case_page.timeline(timeline, zone) if timeline else []
        page.submissions = case_page.submissions(submissions, timeline.entries if timeline else [], zone)
        page.work_orders = case_page.work_orders(orders, zone) if orders else []
        page.supervision = case_page.supervision(supervision, zone) if supervision else None
        page.record = case_page.verification(record.record, zone) if record else None
        page.audit = case_page.audit(audit, zone) if audit else []
        return console.render(request, "case.html", page=page, done=request.query_params.get("done", ""))

    def supervision_page(request: Request, status: int = 200, **extra) -> Response:
        session = console.session(request)
        try:
            # the watch list scans every open case: a snapshot; the supervision list is indexed: live
            watched = console.listed(request, "escalation", "ListWatchedCases",
                                     escalation.ListWatchedCasesRequest(limit=200))
            supervised = console.listed(request, "escalation", "ListSupervisedCases",
                                        escalation.ListSupervisedCasesRequest(page=common_pb2.PageRequest(page_size=100)))
        except ServiceRefusal as refusal:
            return console.refused(request, refusal)
        return console.render(request, "supervision.html", status=status, as_of=min(watched.taken_at, supervised.taken_at),
                              view=overview_views.supervision(watched.value, supervised.value, zone),
                              done=request.query_params.get("done", ""), **extra)

    def command(name: str, build_call):
        """A supervisor's command; a refusal is shown on the page it came from, with the reason."""

        async def run(request: Request) -> Response:
            form = await request.form()
            case_id = form_value(form, "case_id", 128)
            by = user_name(request)
            service, method, message = build_call(case_id, by, form)
            back = form_value(form, "back") or "/supervision"
            try:
                await run_in_threadpool(console.session(request).call, service, method, message)
                console.snapshots.forget(keep_serving=_costly)
            except ServiceRefusal as refusal:
                if back.startswith("/cases/"):
                    return console.refused(request, refusal)
                return await run_in_threadpool(supervision_page, request, 403 if refusal.kind == "forbidden"
                                               else 400, error=refusal)
            return RedirectResponse(f"{back if back.startswith('/') else '/supervision'}?done={name}", 303)

        return run

    def bulletin_data(request: Request):
        period = request.query_params.get("period", "daily")
        if period not in PERIODS:
            raise ValueError(f"period: expected one of {', '.join(PERIODS)}, got {period!r}")
        at = record_views.day_start(request.query_params.get("at", ""), "at", zone) or datetime.now(timezone.utc)
        current = bulletin_snapshot(request, period, at)
        previous = bulletin_snapshot(request, period, bulletin_views.previous_moment(current.value["from"]))
        return bulletin_views.bulletin_view(current.value, previous.value), min(current.taken_at, previous.taken_at)

    def bulletin(request: Request) -> Response:
        try:
            view, as_of = bulletin_data(request)
        except ServiceRefusal as refusal:
            return console.refused(request, refusal)
        except ValueError as problem:
            return console.render(request, "error.html", status=400, problem=str(problem))
        return console.render(request, "bulletin.html", view=view, as_of=as_of, query=request.url.query)

    def bulletin_download(request: Request) -> Response:
        if request.path_params["format"] not in ("csv", "xlsx"):
            return console.render(request, "error.html", status=404,
                                  problem=f"format: expected csv or xlsx, got {request.path_params['format']!r}")
        try:
            view, _ = bulletin_data(request)
        except ServiceRefusal as refusal:
            return console.refused(request, refusal)
        except ValueError as problem:
            return console.render(request, "error.html", status=400, problem=str(problem))
        t = i18n.translator(language(request))
        name = f"bulletin-{view.period}-{view.start[:10]}"
        sheets = [(t("overview"), *bulletin_views.overall_table(view, t))]
        sheets += [(t(bulletin_views.RANK_TITLES[d]), *bulletin_views.table(view, d, t))
                   for d in bulletin_views.DIMENSIONS]
        if request.path_params["format"] == "xlsx":
            body = exports.xlsx_bytes(sheets, {title: {4, 5, 9} for title, _, _ in sheets[1:]})
            return Response(body, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            headers={"content-disposition": f'attachment; filename="{name}.xlsx"'})
        dimension = request.query_params.get("dimension", "unit")
        if dimension not in bulletin_views.DIMENSIONS:
            return console.render(request, "error.html", status=400,
                                  problem=f"dimension: expected one of unit, department, region, got {dimension!r}")
        text = exports.csv_text(*bulletin_views.table(view, dimension, t))
        return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{name}-{dimension}.csv"'})

    def records(request: Request) -> Response:
        params = dict(request.query_params)
        session = console.session(request)
        try:
            criteria = record_views.record_filter(params, zone)
            check = None
            if params.get("check"):
                from_seq, to_seq = record_views.seq_range(params)
                answer = session.call("verification", "VerifyChain",
                                      verification.VerifyChainRequest(from_seq=from_seq, to_seq=to_seq), AGGREGATE_S)
                check = record_views.chain_check(answer, from_seq, to_seq)
            listed = console.listed(request, "verification", "ListRecords", verification.ListRecordsRequest(
                filter=criteria, page=common_pb2.PageRequest(page_size=PAGE_SIZE,
                                                             page_token=params.get("page_token", ""))))
            answer = listed.value
        except record_views.FilterError as problem:
            return console.render(request, "records.html", status=400, params=params, rows=[], problem=str(problem))
        except ServiceRefusal as refusal:
            return console.refused(request, refusal, "records.html", params=params, rows=[])
        return console.render(request, "records.html", params=params, check=check, as_of=listed.taken_at,
                              export_query=urlencode(
                                  {k: v for k, v in params.items() if k in record_views.FILTER_FIELDS}),
                              rows=[record_views.record_row(r, zone) for r in answer.records],
                              next_token=answer.next_page_token)

    def records_export(request: Request) -> Response:
        fmt = request.path_params["format"]
        if fmt not in ("csv", "xlsx", "jsonl"):
            return console.render(request, "error.html", status=404, problem=f"format: expected csv, xlsx or jsonl, "
                                                                             f"got {fmt!r}")
        try:
            criteria = record_views.record_filter(dict(request.query_params), zone)
        except record_views.FilterError as problem:
            return console.render(request, "error.html", status=400, problem=str(problem))
        stream = console.session(request).stream("verification", "ExportRecords",
                                                 verification.ExportRecordsRequest(filter=criteria))
        found = (item.record for item in stream)
        name = "verification-records"
        if fmt == "jsonl":
            lines = (exports.json_line(record_views.export_line(r, zone)) for r in found)
            return StreamingResponse(iterate_in_threadpool(lines), media_type="application/x-ndjson",
                                     headers={"content-disposition": f'attachment; filename="{name}.jsonl"'})
        rows = [[record_views.record_row(r, zone)[c] for c in record_views.COLUMNS] for r in found]
        if fmt == "xlsx":
            return Response(exports.xlsx_bytes([(name, list(record_views.COLUMNS), rows)]),
                            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            headers={"content-disposition": f'attachment; filename="{name}.xlsx"'})
        return Response(exports.csv_text(list(record_views.COLUMNS), rows).encode("utf-8"),
                        media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{name}.csv"'})

    return [
        ("/", overview, ["GET"]), ("/cases", cases, ["GET"]), ("/cases/{case_id}", case, ["GET"]),
        ("/supervision", supervision_page, ["GET"]), ("/bulletin", bulletin, ["GET"]),
        ("/bulletin.{format:str}", bulletin_download, ["GET"]), ("/records", records, ["GET"]),
        ("/records/export.{format:str}", records_export, ["GET"]),
        ("/supervision/urge", command("urged", lambda case_id, by, form: (
            "escalation", "Urge", escalation.UrgeRequest(case_id=case_id, by=by, note=form_value(form, "note")))),
         ["POST"]),
        ("/supervision/mark", command("marked", lambda case_id, by, form: (
            "escalation", "MarkForSupervision", escalation.MarkForSupervisionRequest(
                case_id=case_id, supervisor=by, reason=form_value(form, "reason")))), ["POST"]),
        ("/cases/{case_id}/reassign", command("reassigned", lambda case_id, by, form: (
            "dispatch", "ReassignOwner", dispatch.ReassignOwnerRequest(
                case_id=case_id, new_owner=form_value(form, "new_owner", 128), reason=form_value(form, "reason"),
                operator=by))), ["POST"]),
    ]
