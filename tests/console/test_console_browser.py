"""The console in a real headless chromium against its own running stack (access control on):
every page renders the stack's data, the case page of a complaint taken through the whole loop
shows every service's events, an operator can mark and urge, an auditor cannot (the service
refuses and the page says so), and the downloads open. Screenshots go to test-results/console/."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from console_loop import TOKENS, fresh_case, full_loop, publish_complaints

pytestmark = pytest.mark.integration
SERVICES = ("intake", "dispatch", "escalation", "verification")


@pytest.fixture(scope="module")
def traffic(console_stack):
    """Published once for the module: a dozen complaints, one case closed through the loop (the
    clock moved past its recurrence window, so the others are overdue), and a fresh case."""
    from tools.eventlog import EventTail, Publisher

    tail, publisher = EventTail(console_stack.kafka_bootstrap), Publisher(console_stack.kafka_bootstrap)
    try:
        publish_complaints(publisher, 12)
        closed = full_loop(console_stack, tail, publisher)
        return closed, fresh_case(tail, publisher)
    finally:
        tail.close()
        publisher.close()


@pytest.fixture(scope="module")
def loop_case(traffic) -> str:
    return traffic[0]


def sign_in(browser, url: str, role: str, name: str) -> None:
    driver = browser.open(f"{url}/login")
    driver.find_element(By.NAME, "name").send_keys(name)
    driver.find_element(By.NAME, "token").send_keys(TOKENS[role])
    driver.find_element(By.CSS_SELECTOR, "#login button").click()
    WebDriverWait(driver, 10).until(lambda d: not d.current_url.endswith("/login"))


def text_of(driver, selector: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, selector).text


def wait_for_outcome(driver) -> str:
    """The command's outcome as the page tells it: the confirmation, or the refusal with its reason
    (so a refused command fails the test with the service's words, not a bare timeout)."""
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "done") or d.find_elements(By.ID, "refusal"))
    found = driver.find_elements(By.ID, "done") or driver.find_elements(By.ID, "refusal")
    return found[0].text


def today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d")


def test_every_page_renders_the_stacks_data(console_stack, loop_case, browser, results_dir):
    url = console_stack.console_url
    sign_in(browser, url, "operator", "sup-zhang")

    driver = browser.open(f"{url}/")
    assert int(text_of(driver, "#registered-today")) >= 14
    assert "热线" in text_of(driver, "main") and "及时处理率" in text_of(driver, "main")
    browser.screenshot(results_dir / "overview.png")

    driver = browser.open(f"{url}/cases?region=guangzhou&from={today()}&to={today()}")
    assert loop_case in text_of(driver, "#case-results")
    browser.screenshot(results_dir / "cases.png")
    driver = browser.open(f"{url}/cases?overdue=1")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#case-results tr.late")) >= 10  # past their deadlines

    driver = browser.open(f"{url}/supervision")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#watched tr")) > 1  # overdue after the clock moved
    browser.screenshot(results_dir / "supervision.png")

    driver = browser.open(f"{url}/bulletin?period=monthly&at={today()}")
    assert "guangzhou" in text_of(driver, "#rank-region") and "98%" in text_of(driver, "main")
    browser.screenshot(results_dir / "bulletin.png")

    driver = browser.open(f"{url}/records?check=1&result=closed")
    assert loop_case in text_of(driver, "#record-rows")
    assert "审计链完整" in text_of(driver, "#chain-result")
    browser.screenshot(results_dir / "records.png")

    driver = browser.open(f"{url}/?lang=en")
    assert "Timely-handling rate" in text_of(driver, "main")
    browser.screenshot(results_dir / "overview-en.png")
    browser.open(f"{url}/?lang=zh")


def test_case_page_of_a_closed_loop_shows_every_services_events(console_stack, loop_case, browser, results_dir):
    sign_in(browser, console_stack.console_url, "auditor", "audit-li")
    driver = browser.open(f"{console_stack.console_url}/cases/{loop_case}")
    rows = driver.find_elements(By.CSS_SELECTOR, "#timeline tr")[1:]
    producers = {row.find_element(By.CSS_SELECTOR, ".producer").text for row in rows}
    events = [row.find_elements(By.TAG_NAME, "td")[2].text for row in rows]
    assert producers == set(SERVICES)
    for event in ("CaseRegistered", "OwnerAssigned", "WorkOrderDispatched", "DeadlineSet", "WorkOrderReplied",
                  "CaseResolved", "VerificationOpened", "ActionVerified", "CaseClosed"):
        assert event in events, f"{event} missing from the timeline: {events}"
    assert events.index("CaseRegistered") < events.index("CaseResolved") < events.index("CaseClosed")
    assert "guangzhou-broadband-ops" in text_of(driver, "#record")
    assert text_of(driver, "#audit-status") == "完整"
    assert "宽带断网" in text_of(driver, "#submissions")
    browser.screenshot(results_dir / "case.png")


def test_an_operator_marks_and_urges_an_auditor_is_refused(console_stack, traffic, browser, results_dir):
    url, case_id = console_stack.console_url, traffic[1]
    sign_in(browser, url, "operator", "sup-zhang")
    driver = browser.open(f"{url}/cases/{case_id}")
    mark = driver.find_element(By.CSS_SELECTOR, "form.mark")
    mark.find_element(By.NAME, "reason").send_keys("客户多次来电，列入督办")
    mark.find_element(By.TAG_NAME, "button").click()
    assert wait_for_outcome(driver) == "已列入督办"
    # an agent outside the first-contact pool, so the case cannot already be theirs (reassigning a case
    # to its own owner is refused, and the pool hands out agent-2001 and agent-2002 alike)
    new_owner = "agent-9001"
    reassign = driver.find_element(By.ID, "reassign")
    reassign.find_element(By.NAME, "new_owner").send_keys(new_owner)
    reassign.find_element(By.NAME, "reason").send_keys("首问人休假，改派")
    reassign.find_element(By.TAG_NAME, "button").click()
    assert wait_for_outcome(driver) == "已改派"

    driver = browser.open(f"{url}/supervision")
    urge_form(driver, case_id).find_element(By.NAME, "note").send_keys("请今天内答复客户")
    urge_form(driver, case_id).find_element(By.TAG_NAME, "button").click()
    assert wait_for_outcome(driver) == "已催办" and "请今天内答复客户" in text_of(driver, "#supervised")

    sign_in(browser, url, "auditor", "audit-li")
    driver = browser.open(f"{url}/supervision")
    urge_form(driver, case_id).find_element(By.NAME, "note").send_keys("审计员试图催办")
    urge_form(driver, case_id).find_element(By.TAG_NAME, "button").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "refusal"))
    refusal = text_of(driver, "#refusal")
    assert "审计员只能查看" in refusal and "PERMISSION_DENIED" in refusal
    assert "审计员试图催办" not in text_of(driver, "#supervised")  # nothing was recorded
    browser.screenshot(results_dir / "supervision-auditor-refused.png")


def urge_form(driver, case_id: str):
    return next(form for form in driver.find_elements(By.CSS_SELECTOR, "#supervised form.urge")
                if form.find_element(By.NAME, "case_id").get_attribute("value") == case_id)


def test_downloads_open_with_chinese_intact(console_stack, loop_case):
    import io
    import json

    import httpx
    from openpyxl import load_workbook

    cookies = {"console_token": TOKENS["auditor"]}
    with httpx.Client(base_url=console_stack.console_url, cookies=cookies, timeout=30) as client:
        csv_body = client.get(f"/bulletin.csv?period=monthly&at={today()}&dimension=region").content
        assert csv_body.startswith(b"\xef\xbb\xbf") and "排名" in csv_body.decode("utf-8-sig").splitlines()[0]
        book = load_workbook(io.BytesIO(client.get(f"/bulletin.xlsx?period=monthly&at={today()}").content))
        assert book.sheetnames == ["总览", "单位排名", "部门排名", "区域排名"]
        records_csv = client.get("/records/export.csv?result=closed").content
        assert records_csv.startswith(b"\xef\xbb\xbf") and loop_case.encode() in records_csv
        lines = [json.loads(line) for line in client.get("/records/export.jsonl").text.splitlines()]
        assert any(line["case_id"] == loop_case and line["record"]["finding"] for line in lines)
        sheet = load_workbook(io.BytesIO(client.get("/records/export.xlsx").content)).active
        assert sheet.cell(1, 1).value == "case_id" and sheet.max_row >= 2


def test_a_warmed_console_serves_its_overview_from_figures_computed_before_anyone_asked(console_stack, traffic):
    """A second console, warming with the auditor's token: once it reports ready, the overview a
    person opens shows figures taken before the request (so the page did not wait for the services'
    scan) and they include the stack's complaints."""
    import time

    import httpx

    from tools.devstack import free_port

    url = console_stack.start_console(warm=True, warm_token=TOKENS["auditor"], name="console-warm",
                                      port=free_port()).rstrip("/")
    time.sleep(1.1)  # figures computed during the request would then carry a later second than ready
    asked_at = datetime.now(ZoneInfo("Asia/Shanghai")).replace(microsecond=0, tzinfo=None)
    page = httpx.get(f"{url}/", cookies={"console_token": TOKENS["operator"]}, timeout=30).text
    as_of = re.search(r'id="as-of">[^0-9]*([0-9-]+ [0-9:]+)', page).group(1)
    assert datetime.strptime(as_of, "%Y-%m-%d %H:%M:%S") < asked_at
    assert int(re.search(r'id="registered-today"[^>]*>\s*([0-9]+)', page).group(1)) >= 14


def test_an_auditors_lookups_show_no_full_phone_number_an_operators_do(console_stack, loop_case):
    """The services mask what auditors read (role_masking): every lookup of the loop's case."""
    import grpc

    from complaints.v1 import (dispatch_service_pb2 as dsp, dispatch_service_pb2_grpc, escalation_service_pb2 as esc,
                               escalation_service_pb2_grpc, intake_service_pb2 as itk, intake_service_pb2_grpc,
                               verification_service_pb2 as ver, verification_service_pb2_grpc)

    mobile = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
    ports = console_stack.ports.grpc

    def answers(role: str) -> str:
        credentials = (("authorization", f"Bearer {TOKENS[role]}"),)
        channel = lambda name: grpc.insecure_channel(f"127.0.0.1:{ports[name]}")  # noqa: E731
        intake = intake_service_pb2_grpc.IntakeServiceStub(channel("intake"))
        calls = [
            intake.GetCase(itk.GetCaseRequest(case_id=loop_case), metadata=credentials, timeout=10),
            intake.ListSubmissions(itk.ListSubmissionsRequest(case_id=loop_case), metadata=credentials, timeout=10),
            dispatch_service_pb2_grpc.DispatchServiceStub(channel("dispatch")).ListWorkOrders(
                dsp.ListWorkOrdersRequest(case_id=loop_case), metadata=credentials, timeout=10),
            escalation_service_pb2_grpc.EscalationServiceStub(channel("escalation")).GetTimeline(
                esc.GetTimelineRequest(case_id=loop_case), metadata=credentials, timeout=10),
            verification_service_pb2_grpc.VerificationServiceStub(channel("verification")).GetRecord(
                ver.GetRecordRequest(case_id=loop_case), metadata=credentials, timeout=10),
        ]
        return "\n".join(str(answer) + "".join(getattr(e, "json", "") for e in getattr(answer, "entries", ()))
                         for answer in calls)

    assert mobile.search(answers("operator"))  # the case has a phone number, and operators see it
    seen = answers("auditor")
    assert "CaseRegistered" in seen and not mobile.search(seen), mobile.findall(seen)


def test_commands_are_applied_once_per_request_id_and_name_the_authenticated_caller(console_stack, traffic):
    """A retry with the same request id is answered, not applied; a new id with the same content is a
    new command; the actor is the token's name whatever the request says; an urging is an event."""
    import grpc

    from complaints.v1 import (dispatch_service_pb2 as dsp, dispatch_service_pb2_grpc, escalation_service_pb2 as esc,
                               escalation_service_pb2_grpc)

    case_id, ports = traffic[1], console_stack.ports.grpc
    credentials = (("authorization", f"Bearer {TOKENS['operator']}"),)
    supervision = escalation_service_pb2_grpc.EscalationServiceStub(
        grpc.insecure_channel(f"127.0.0.1:{ports['escalation']}"))
    supervision.MarkForSupervision(esc.MarkForSupervisionRequest(case_id=case_id, supervisor="sup-zhang",
                                                                 reason="多次来电"), metadata=credentials, timeout=10)
    before = len(supervision.GetCaseSupervision(esc.GetCaseSupervisionRequest(case_id=case_id), metadata=credentials,
                                                timeout=10).supervision.urgings)
    urge = esc.UrgeRequest(case_id=case_id, by="somebody-else", note="请尽快回复", request_id="urge-0001")
    supervision.Urge(urge, metadata=credentials, timeout=10)
    entry = supervision.Urge(urge, metadata=credentials, timeout=10).entry  # the client's retry
    assert len(entry.urgings) == before + 1 and entry.urgings[-1].by == "operator-test"
    urge.request_id = "urge-0002"  # the same words, a second urging
    assert len(supervision.Urge(urge, metadata=credentials, timeout=10).entry.urgings) == before + 2

    dispatch = dispatch_service_pb2_grpc.DispatchServiceStub(grpc.insecure_channel(f"127.0.0.1:{ports['dispatch']}"))
    dispatch.ReassignOwner(dsp.ReassignOwnerRequest(case_id=case_id, new_owner="agent-9002", reason="轮岗",
                                                    operator="typed-name", request_id="reassign-0001"),
                           metadata=credentials, timeout=10)
    deadline = time.monotonic() + 20
    while True:
        entries = supervision.GetTimeline(esc.GetTimelineRequest(case_id=case_id), metadata=credentials,
                                          timeout=10).entries
        urged = [json.dumps(json.loads(e.json), ensure_ascii=False) for e in entries if e.event_type.endswith("CaseUrged")]
        reassigned = [json.loads(e.json) for e in entries if e.event_type.endswith("OwnerAssigned")
                      and "agent-9002" in e.json]
        if len(urged) >= 2 and reassigned or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert len([text for text in urged if "请尽快回复" in text]) == 2, ([e.event_type for e in entries], urged)
    assert reassigned and "operator-test" in json.dumps(reassigned, ensure_ascii=False)
    assert "typed-name" not in json.dumps(reassigned, ensure_ascii=False)
