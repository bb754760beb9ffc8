"""gRPC-Web over HTTP/1.1 with the standard library only: what every Blender can do.

A call is one POST of a length-prefixed message; the reply body holds the message frame and
a trailer frame with grpc-status. See the gRPC-Web protocol (PROTOCOL-WEB.md in grpc/grpc).
"""

import http.client
import socket
import ssl
import struct
import urllib.parse

from .status import RpcError, StatusCode, from_http_status

CONTENT_TYPE = "application/grpc-web+proto"
# Replies are a few bytes; a larger body is not our server.
MAX_RESPONSE_BYTES = 64 * 1024

_DATA = 0x00
_COMPRESSED = 0x01
_TRAILERS = 0x80


def frame(message):
    return struct.pack(">BI", _DATA, len(message)) + message


def parse_frames(body):
    """(messages, trailers) of a gRPC-Web body; trailers as a dict with lower-case names."""
    messages, trailers = [], {}
    position = 0
    while position < len(body):
        if position + 5 > len(body):
            raise RpcError(StatusCode.INTERNAL, "gRPC-Web: truncated frame header")
        flags, length = struct.unpack_from(">BI", body, position)
        position += 5
        if position + length > len(body):
            raise RpcError(StatusCode.INTERNAL, "gRPC-Web: truncated frame")
        payload = body[position:position + length]
        position += length
        if flags & _TRAILERS:
            trailers.update(parse_trailers(payload))
        elif flags & _COMPRESSED:
            raise RpcError(StatusCode.INTERNAL, "gRPC-Web: compressed message, which we never asked for")
        else:
            messages.append(payload)
    return messages, trailers


def parse_trailers(payload):
    trailers = {}
    for line in payload.decode("latin-1").split("\r\n"):
        name, colon, value = line.partition(":")
        if colon:
            trailers[name.strip().lower()] = value.strip()
    return trailers


def parse_response(http_status, headers, body):
    """The reply message of a unary call, or RpcError with the call's status.

    ``headers`` maps lower-case names to values. A trailers-only reply carries grpc-status in
    the headers; a proxy's error page carries none, and its HTTP status maps to a gRPC code.
    """
    if "grpc-status" not in headers and http_status != 200:
        raise RpcError(from_http_status(http_status), f"HTTP {http_status} without a gRPC status")
    content_type = headers.get("content-type", "")
    if "grpc-status" not in headers and not content_type.startswith("application/grpc-web"):
        raise RpcError(StatusCode.UNKNOWN, f"not a gRPC-Web reply (content-type '{content_type}')")

    messages, trailers = parse_frames(body)
    status = trailers.get("grpc-status", headers.get("grpc-status"))
    message = trailers.get("grpc-message", headers.get("grpc-message", ""))
    if status is None:
        raise RpcError(StatusCode.INTERNAL, "gRPC-Web: the reply has no grpc-status")
    try:
        code = StatusCode.of(int(status))
    except ValueError:
        raise RpcError(StatusCode.INTERNAL, f"gRPC-Web: grpc-status '{status}' is not a number") from None
    if code != StatusCode.OK:
        raise RpcError(code, urllib.parse.unquote(message))
    if len(messages) != 1:
        raise RpcError(StatusCode.INTERNAL, f"gRPC-Web: expected one reply message, got {len(messages)}")
    return messages[0]


class GrpcWebTransport:
    """Unary calls over one kept-alive HTTP/1.1 connection, reopened when it breaks."""

    def __init__(self, endpoint, token=None, user_agent="renderfarm-reporter", ca_file=None):
        self._endpoint = endpoint
        # Read by diagnosis when a call fails.
        self.endpoint = endpoint
        self.has_token = bool(token)
        self._ca_file = ca_file
        self._headers = {
            "content-type": CONTENT_TYPE,
            "accept": CONTENT_TYPE,
            "x-grpc-web": "1",
            "user-agent": user_agent,
        }
        if token:
            self._headers["authorization"] = f"Bearer {token}"
        self._connection = None

    def call(self, method, request, timeout):
        """Sends ``request`` (bytes) to ``method`` ('/package.Service/Method'); returns the reply bytes."""
        reused = self._connection is not None
        try:
            return self._call_once(method, request, timeout)
        except (ConnectionError, http.client.BadStatusLine) as error:
            self.close()
            if not reused:
                raise RpcError(StatusCode.UNAVAILABLE, _describe(error)) from None
        # The server closed a kept-alive connection (idle timeout, restart): one fresh try.
        try:
            return self._call_once(method, request, timeout)
        except (ConnectionError, http.client.BadStatusLine) as error:
            self.close()
            raise RpcError(StatusCode.UNAVAILABLE, _describe(error)) from None

    def _call_once(self, method, request, timeout):
        headers = dict(self._headers, **{"grpc-timeout": f"{max(1, int(timeout * 1000))}m"})
        try:
            connection = self._connect(timeout)
            connection.request("POST", self._endpoint.path_prefix + method, body=frame(request), headers=headers)
            response = connection.getresponse()
            body = response.read(MAX_RESPONSE_BYTES + 1)
            reply_headers = {name.lower(): value for name, value in response.getheaders()}
            if len(body) > MAX_RESPONSE_BYTES or response.will_close:
                self.close()
        except (ConnectionError, http.client.BadStatusLine):
            raise
        except socket.timeout:
            self.close()
            raise RpcError(StatusCode.DEADLINE_EXCEEDED, f"no reply within {timeout:g} s") from None
        except ssl.SSLCertVerificationError as error:
            self.close()
            raise RpcError(StatusCode.UNAVAILABLE, _describe(error), untrusted_certificate=True) from None
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise RpcError(StatusCode.UNAVAILABLE, _describe(error)) from None
        if len(body) > MAX_RESPONSE_BYTES:
            raise RpcError(StatusCode.INTERNAL, f"gRPC-Web: reply larger than {MAX_RESPONSE_BYTES} bytes")
        return parse_response(response.status, reply_headers, body)

    def _connect(self, timeout):
        if self._connection is None:
            address, port = self._endpoint.address, self._endpoint.port
            if self._endpoint.tls:
                self._connection = http.client.HTTPSConnection(
                    address, port, timeout=timeout, context=ssl.create_default_context(cafile=self._ca_file))
            else:
                self._connection = http.client.HTTPConnection(address, port, timeout=timeout)
        else:
            self._connection.timeout = timeout
            if self._connection.sock is not None:
                self._connection.sock.settimeout(timeout)
        return self._connection

    def close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def abort(self):
        """From any thread: ends a call in progress now; the calling thread then closes the connection."""
        connection = self._connection
        sock = connection.sock if connection is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # Already closed or never connected.


def _describe(error):
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}" if type(error).__name__ not in text else text
