"""Turning request problems into gRPC status codes with messages that name the field."""

from __future__ import annotations

import functools
import re

import grpc

from .paging import BadPageRequest

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
    """Map domain and request errors to status codes; never leak a stack trace to the caller."""

    @functools.wraps(method)
    def wrapper(self, request, context):
        try:
            return method(self, request, context)
        except (BadRequest, BadPageRequest) as error:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
        except NotFound as error:
            context.abort(grpc.StatusCode.NOT_FOUND, str(error))

    return wrapper
