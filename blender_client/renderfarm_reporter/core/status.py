"""gRPC status codes, read the same way from native gRPC and gRPC-Web."""

import enum


class StatusCode(enum.IntEnum):
    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16

    @classmethod
    def of(cls, value):
        try:
            return cls(int(value))
        except ValueError:
            return cls.UNKNOWN


# Retrying will not help until someone changes a setting (on our side or the server's):
# said once, then retried only at the slowest pace.
NEEDS_ATTENTION = frozenset({
    StatusCode.UNAUTHENTICATED,
    StatusCode.PERMISSION_DENIED,
    StatusCode.INVALID_ARGUMENT,
    StatusCode.UNIMPLEMENTED,
    StatusCode.FAILED_PRECONDITION,
    StatusCode.OUT_OF_RANGE,
})

# What gRPC prescribes when an HTTP response carries no grpc-status (a proxy answered).
_FROM_HTTP = {
    400: StatusCode.INTERNAL,
    401: StatusCode.UNAUTHENTICATED,
    403: StatusCode.PERMISSION_DENIED,
    404: StatusCode.UNIMPLEMENTED,
    429: StatusCode.UNAVAILABLE,
    502: StatusCode.UNAVAILABLE,
    503: StatusCode.UNAVAILABLE,
    504: StatusCode.UNAVAILABLE,
}


def from_http_status(http_status):
    return _FROM_HTTP.get(http_status, StatusCode.UNKNOWN)


class RpcError(Exception):
    """A call that did not succeed: its status code and the server's (or our) explanation."""

    def __init__(self, code, message="", untrusted_certificate=False):
        super().__init__(f"{code.name}: {message}" if message else code.name)
        self.code = code
        self.message = message
        # The server's TLS certificate failed verification: no retry helps until RENDERFARM_CA
        # (or the server's certificate) changes.
        self.untrusted_certificate = untrusted_certificate

    @property
    def needs_attention(self):
        return self.untrusted_certificate or self.code in NEEDS_ATTENTION
