"""Turning request problems into gRPC status codes with messages that name the field."""

from __future__ import annotations

import functools
import logging
import re

import grpc
import pymongo
from opentelemetry import trace
from pymongo.errors import PyMongoError

from .paging import BadPageRequest

log = logging.getLogger(__name__)
DAY_S = 86_400  # grpc reports "no deadline" as a very large remaining time
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,199}$")


class NotFound(LookupError):
    pass


class BadRequest(ValueError):
    pass


def require_id(value: str, field: str) -> str:
    if not value:
        raise BadRequest(f"{field} is required")
    if not _ID.match(value):
        raise BadRequest(f"{field} is not a valid id (letters, digits, . _ : - ; at most 200)")
    return value


def rpc(method):
    """Map domain and request errors to status codes. Anything else is the service's fault: the
    caller gets INTERNAL (or UNAVAILABLE when the database is unreachable: worth a retry) with no
    detail, and the log and the span get the exception, with the trace id to find them by."""

    @functools.wraps(method)
    def wrapper(self, request, context):
        remaining = context.time_remaining()
        try:
            # the database calls share the caller's deadline: a lookup never waits on a database that
            # is down (or slow) for longer than its caller still waits for the answer
            with pymongo.timeout(max(remaining, 0.001) if remaining is not None and remaining < DAY_S else None):
                return method(self, request, context)
        except (BadRequest, BadPageRequest) as error:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
        except NotFound as error:
            context.abort(grpc.StatusCode.NOT_FOUND, str(error))
        except Exception as error:
            if type(error) is Exception and context.code() is not None:  # noqa: E721 - grpc's own abort
                raise
            from .mongo import is_transient

            span = trace.get_current_span()
            span.record_exception(error)
            span.set_status(trace.Status(trace.StatusCode.ERROR, type(error).__name__))
            trace_id = format(span.get_span_context().trace_id, "032x")
            left = context.time_remaining()
            if isinstance(error, PyMongoError) and error.timeout and left is not None and left <= 0.05:
                log.warning("%s: the caller's deadline passed waiting for storage: %s", method.__name__, error)
                context.abort(grpc.StatusCode.DEADLINE_EXCEEDED,
                              f"storage did not answer within the call's deadline (trace {trace_id})")
            if is_transient(error):
                log.warning("%s: storage unavailable: %s", method.__name__, error)
                context.abort(grpc.StatusCode.UNAVAILABLE, f"storage unavailable, retry later (trace {trace_id})")
            log.exception("%s failed", method.__name__)
            context.abort(grpc.StatusCode.INTERNAL, f"internal error; the service's log has it (trace {trace_id})")

    return wrapper


def describe_failure(error: grpc.RpcError, service: str, target: str, doing: str) -> str:
    """A failed call, for a command-line tool's one line on stderr: the service, the target, the status code,
    and what to do about it."""
    code = error.code() if hasattr(error, "code") else None
    name = code.name if isinstance(code, grpc.StatusCode) else "UNKNOWN"
    details = " ".join(str((error.details() if hasattr(error, "details") else None) or "").split())
    suffix = f": {details}" if details else ""
    if code == grpc.StatusCode.UNAVAILABLE:
        return f"cannot reach the {service} service at {target} ({name})"
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return f"the {service} service at {target} did not finish {doing} in time ({name}); try a larger --timeout"
    if code == grpc.StatusCode.UNAUTHENTICATED:
        return (f"the {service} service at {target} did not accept the credentials ({name}){suffix}; "
                f"pass a valid --token or set {service.upper()}_GRPC_TOKEN")
    if code == grpc.StatusCode.PERMISSION_DENIED:
        return f"the {service} service at {target} refused {doing} ({name}){suffix}"
    return f"the {service} service at {target} failed {doing} ({name}){suffix}"
