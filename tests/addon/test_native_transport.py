"""The grpcio path against a grpcio server on loopback (Debian's python3-grpcio)."""

from concurrent import futures

import pytest

from renderfarm_reporter.core import grpc_native
from renderfarm_reporter.core.config import Endpoint
from renderfarm_reporter.core.status import RpcError, StatusCode

grpc = pytest.importorskip("grpc")


@pytest.fixture
def server():
    seen = []

    def report(request, context):
        seen.append((request, dict(context.invocation_metadata())))
        if dict(context.invocation_metadata()).get("authorization") != "Bearer t0k":
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "authorization: expected 'Bearer <token>'")
        return b"\x08\x01"

    handler = grpc.method_handlers_generic_handler("renderfarm.v1.Reporter", {
        "Report": grpc.unary_unary_rpc_method_handler(report),
    })
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2), handlers=[handler])
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield port, seen
    server.stop(None)


def test_bytes_go_out_and_come_back_unchanged_with_the_token(server):
    port, seen = server
    transport = grpc_native.NativeTransport(Endpoint("grpc", "127.0.0.1", port, False), token="t0k")
    try:
        assert transport.call("/renderfarm.v1.Reporter/Report", b"\x0a\x01h", timeout=5) == b"\x08\x01"
    finally:
        transport.close()
    assert seen[0][0] == b"\x0a\x01h"
    assert seen[0][1]["authorization"] == "Bearer t0k"


def test_the_grpc_status_is_read(server):
    port, _ = server
    transport = grpc_native.NativeTransport(Endpoint("grpc", "127.0.0.1", port, False), token="wrong")
    with pytest.raises(RpcError) as error:
        transport.call("/renderfarm.v1.Reporter/Report", b"", timeout=5)
    transport.close()
    assert error.value.code == StatusCode.UNAUTHENTICATED
    assert error.value.message == "authorization: expected 'Bearer <token>'"


def test_an_unknown_method_is_unimplemented(server):
    port, _ = server
    transport = grpc_native.NativeTransport(Endpoint("grpc", "127.0.0.1", port, False))
    with pytest.raises(RpcError) as error:
        transport.call("/renderfarm.v1.Reporter/Nope", b"", timeout=5)
    transport.close()
    assert error.value.code == StatusCode.UNIMPLEMENTED


@pytest.mark.integration
def test_nobody_listening_is_unavailable():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    transport = grpc_native.NativeTransport(Endpoint("grpc", "127.0.0.1", port, False))
    with pytest.raises(RpcError) as error:
        transport.call("/renderfarm.v1.Reporter/Report", b"", timeout=2)
    transport.close()
    assert error.value.code == StatusCode.UNAVAILABLE
