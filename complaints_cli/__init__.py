"""``complaints``: the operators' command line for the complaint workflow.

    complaints publish docs/examples/complaints.submitted.v1.json
    complaints case show C-0001 ; complaints case timeline C-0001 --json
    complaints overdue ; complaints at-risk --limit 50 ; complaints bulletin --period weekly --format md
    complaints audit export --format csv -o closed.csv --result closed ; complaints audit verify
    complaints directory load customers.csv ; complaints policy check config/policy.yaml

It reaches the services over gRPC only (publish goes to Kafka, directory load to intake's own
table, as before); TLS with --ca/--cert/--key, a token with --token or $<SERVICE>_GRPC_TOKEN.
The older entry points (``audit``, ``python -m services.escalation.bulletin``,
``python -m services.intake.directory``) keep working and write the same formats.
"""

from __future__ import annotations

from typing import Annotated

import typer

from complaint_platform.grpc_channel import ChannelSecurity

from . import cases, files, publish, records
from .common import Session

app = typer.Typer(name="complaints", no_args_is_help=True, rich_markup_mode=None,
                  help="Operate the complaint workflow (投诉处理): publish, look at cases, reports, audit, files. "
                       "Exit codes: 0 done, 1 what was checked is wrong (broken chain, bad file), "
                       "2 usage error or a service failed or could not be reached, 130 interrupted.")
app.add_typer(cases.cases, name="case")
app.add_typer(records.audit, name="audit")
app.add_typer(files.customers, name="directory")
app.add_typer(files.policy, name="policy")
app.command("overdue")(cases.overdue)
app.command("at-risk")(cases.at_risk)
app.command("bulletin")(records.bulletin)
app.command("publish")(publish.publish)


@app.callback()
def root(ctx: typer.Context,
         token: Annotated[str | None, typer.Option(
             help="bearer token for every service (default: $<SERVICE>_GRPC_TOKEN; a flag shows in ps)")] = None,
         timeout: Annotated[float | None, typer.Option(metavar="SECONDS", help="give up after this long")] = None,
         ca: Annotated[str, typer.Option(envvar="COMPLAINTS_GRPC_CA", metavar="FILE",
                                         help="PEM CA of the services' certificates: TLS")] = "",
         cert: Annotated[str, typer.Option(envvar="COMPLAINTS_GRPC_CERT", metavar="FILE",
                                           help="PEM client certificate (mutual TLS)")] = "",
         key: Annotated[str, typer.Option(envvar="COMPLAINTS_GRPC_KEY", metavar="FILE",
                                          help="PEM private key of --cert")] = "",
         tls: Annotated[bool, typer.Option("--tls", help="TLS with the system's CAs (without --ca)")] = False,
         server_name: Annotated[str, typer.Option(envvar="COMPLAINTS_GRPC_SERVER_NAME", metavar="NAME",
                                                  help="name on the services' certificate (port-forward)")] = "",
         ) -> None:
    """Options for every service this run talks to; they go before the command."""
    if ctx.obj is None:  # tests pass a Session with fake stubs
        ctx.obj = Session()
    ctx.obj.token, ctx.obj.timeout = token, timeout
    ctx.obj.security = ChannelSecurity(ca, cert, key, tls, server_name)


def main() -> None:
    app()
