import socket
import struct

import pytest

from renderfarm_reporter.core.config import Endpoint
from renderfarm_reporter.core.grpc_web import GrpcWebTransport, frame, parse_frames, parse_response
from renderfarm_reporter.core.status import RpcError, StatusCode

from conftest import FakeGrpcWebServer

REPLY = b"\x08\x01\x10\x88\x27"  # applied, heartbeat 5000 ms
OK_TRAILERS = b"\x80" + struct.pack(">I", 15) + b"grpc-status:0\r\n"
GRPC_WEB = {"content-type": "application/grpc-web+proto"}


def trailers(text):
    data = text.encode()
    return b"\x80" + struct.pack(">I", len(data)) + data


def test_a_message_is_framed_with_a_zero_flag_and_a_big_endian_length():
    assert frame(b"abc") == b"\x00\x00\x00\x00\x03abc"
    assert frame(b"") == b"\x00\x00\x00\x00\x00"


def test_reply_frames_and_trailers_are_parsed():
    messages, parsed = parse_frames(frame(b"\x08\x01") + trailers("grpc-status: 0\r\nGrpc-Message: ok\r\n"))
    assert messages == [b"\x08\x01"]
    assert parsed == {"grpc-status": "0", "grpc-message": "ok"}


def test_a_successful_reply_yields_its_message():
    assert parse_response(200, GRPC_WEB, frame(b"\x08\x01") + OK_TRAILERS) == b"\x08\x01"


def test_an_empty_message_is_a_valid_reply():
    assert parse_response(200, GRPC_WEB, frame(b"") + OK_TRAILERS) == b""


def test_a_trailers_only_error_is_read_from_the_headers_with_its_message_decoded():
    headers = dict(GRPC_WEB, **{"grpc-status": "16", "grpc-message": "authorization%3A expected 'Bearer'"})
    with pytest.raises(RpcError) as error:
        parse_response(200, headers, b"")
    assert error.value.code == StatusCode.UNAUTHENTICATED
    assert error.value.message == "authorization: expected 'Bearer'"
    assert error.value.needs_attention


def test_an_error_in_the_trailer_frame_is_read():
    with pytest.raises(RpcError) as error:
        parse_response(200, GRPC_WEB, trailers("grpc-status: 3\r\ngrpc-message: host: must not be empty\r\n"))
    assert (error.value.code, error.value.message) == (StatusCode.INVALID_ARGUMENT, "host: must not be empty")


@pytest.mark.parametrize("http_status, code", [
    (502, StatusCode.UNAVAILABLE), (503, StatusCode.UNAVAILABLE), (404, StatusCode.UNIMPLEMENTED),
    (401, StatusCode.UNAUTHENTICATED), (500, StatusCode.UNKNOWN),
])
def test_a_proxy_error_page_maps_its_http_status_to_a_grpc_code(http_status, code):
    with pytest.raises(RpcError) as error:
        parse_response(http_status, {"content-type": "text/html"}, b"<html>Bad gateway</html>")
    assert error.value.code == code


@pytest.mark.parametrize("body, problem", [
    (frame(b"\x08\x01"), "no grpc-status"),
    (b"\x00\x00\x00", "truncated frame header"),
    (b"\x00\x00\x00\x00\x09abc", "truncated frame"),
    (b"\x01\x00\x00\x00\x01a" + OK_TRAILERS, "compressed"),
    (OK_TRAILERS, "expected one reply message, got 0"),
])
def test_malformed_replies_are_internal_errors_saying_what_is_wrong(body, problem):
    with pytest.raises(RpcError, match=problem) as error:
        parse_response(200, GRPC_WEB, body)
    assert error.value.code == StatusCode.INTERNAL


def test_a_reply_that_is_not_grpc_web_is_refused():
    with pytest.raises(RpcError, match="not a gRPC-Web reply"):
        parse_response(200, {"content-type": "text/plain"}, b"# HELP ...")


@pytest.fixture
def http_server():
    server = FakeGrpcWebServer(REPLY)
    yield server
    server.stop()


@pytest.mark.integration
def test_a_call_posts_the_framed_message_with_grpc_web_headers_and_the_token(http_server):
    transport = GrpcWebTransport(Endpoint("grpc-web", "127.0.0.1", http_server.port, False, "/prefix"), token="t0k")
    try:
        assert transport.call("/renderfarm.v1.Reporter/Report", b"\x0a\x01h", timeout=2) == REPLY
    finally:
        transport.close()
    path, headers, body = http_server.requests[0]
    headers = {name.lower(): value for name, value in headers.items()}
    assert path == "/prefix/renderfarm.v1.Reporter/Report"
    assert body == frame(b"\x0a\x01h")
    assert headers["content-type"] == "application/grpc-web+proto"
    assert headers["x-grpc-web"] == "1"
    assert headers["authorization"] == "Bearer t0k"
    assert headers["grpc-timeout"] == "2000m"


@pytest.mark.integration
def test_a_server_closing_the_kept_alive_connection_costs_no_failed_call(http_server):
    transport = GrpcWebTransport(Endpoint("grpc-web", "127.0.0.1", http_server.port, False))
    try:
        transport.call("/m", b"", timeout=2)
        transport._connection.sock.shutdown(2)  # as a restarted server or an idle timeout would
        assert transport.call("/m", b"", timeout=2) == REPLY
    finally:
        transport.close()
    assert len(http_server.requests) == 2


@pytest.mark.integration
def test_nobody_listening_is_unavailable_at_once():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    transport = GrpcWebTransport(Endpoint("grpc-web", "127.0.0.1", port, False))
    with pytest.raises(RpcError) as error:
        transport.call("/m", b"", timeout=2)
    assert error.value.code == StatusCode.UNAVAILABLE
    assert not error.value.needs_attention
