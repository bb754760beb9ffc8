"""TLS on both transports with a CA the test makes (openssl): the right CA is trusted, a wrong
one is refused and reported as an untrusted certificate, and RENDERFARM_CA is checked up front."""

from concurrent import futures

import pytest

from renderfarm_reporter.core import grpc_native
from renderfarm_reporter.core.config import ConfigError, Endpoint, resolve
from renderfarm_reporter.core.grpc_web import GrpcWebTransport
from renderfarm_reporter.core.reporter import Identity, Reporter
from renderfarm_reporter.core.status import RpcError

from conftest import FakeGrpcWebServer

REPORT = "/renderfarm.v1.Reporter/Report"
REPLY = b"\x08\x01\x10\x88\x27"  # applied, heartbeat 5000 ms


@pytest.fixture(scope="module")
def grpc_web_server(pki):
    """The port of a TLS gRPC-Web server answering every call with REPLY."""
    server = FakeGrpcWebServer(REPLY, pki)
    yield server.port
    server.stop()


@pytest.fixture(scope="module")
def native_server(pki):
    grpc = pytest.importorskip("grpc")
    handler = grpc.method_handlers_generic_handler("renderfarm.v1.Reporter", {
        "Report": grpc.unary_unary_rpc_method_handler(lambda request, context: REPLY),
    })
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2), handlers=[handler])
    credentials = grpc.ssl_server_credentials([((pki / "server.key").read_bytes(), (pki / "server.pem").read_bytes())])
    port = server.add_secure_port("127.0.0.1:0", credentials)
    server.start()
    yield port
    server.stop(None)


def _transport(kind, port, ca_file):
    if kind == "grpc":
        return grpc_native.NativeTransport(Endpoint("grpc", "localhost", port, True), ca_file=str(ca_file))
    return GrpcWebTransport(Endpoint("grpc-web", "localhost", port, True), ca_file=str(ca_file))


@pytest.fixture(params=["grpc", "grpc-web"])
def tls_port(request, grpc_web_server, native_server):
    return request.param, native_server if request.param == "grpc" else grpc_web_server


@pytest.mark.integration
def test_the_server_is_trusted_with_the_ca_that_signed_it(tls_port, pki):
    kind, port = tls_port
    transport = _transport(kind, port, pki / "ca.pem")
    try:
        assert transport.call(REPORT, b"", timeout=5) == REPLY
    finally:
        transport.close()


@pytest.mark.integration
def test_a_wrong_ca_is_refused_as_an_untrusted_certificate(tls_port, pki):
    kind, port = tls_port
    transport = _transport(kind, port, pki / "other-ca.pem")
    try:
        with pytest.raises(RpcError) as error:
            transport.call(REPORT, b"", timeout=5)
    finally:
        transport.close()
    assert error.value.untrusted_certificate
    assert error.value.needs_attention


@pytest.mark.integration
def test_a_wrong_ca_is_said_once_naming_the_setting(tls_port, pki, clock):
    kind, port = tls_port
    lines = []
    reporter = Reporter(_transport(kind, port, pki / "other-ca.pem"), Identity("tls-node", "0", "s", "3.4.1", "1.0.0"),
                        f"tls://localhost:{port}", lines.append, clock=clock)
    for _ in range(3):
        reporter._report(reporter._latest_state)  # noqa: SLF001 (one attempt at a time, on the fake clock)
        clock.advance(31)
    reporter._transport.close()  # noqa: SLF001
    assert len(lines) == 1
    assert "RENDERFARM_CA" in lines[0]
    assert "does not trust" in lines[0]


@pytest.mark.integration
def test_ca_setting_is_resolved_from_the_environment(pki):
    settings = resolve({"RENDERFARM_SERVER": "https://farm:8443", "RENDERFARM_CA": str(pki / "ca.pem")},
                       hostname="node1")
    assert settings.ca_file == str(pki / "ca.pem")
    assert "trusting the CA" in settings.describe()


@pytest.mark.integration
def test_ca_without_tls_is_a_clear_error(pki):
    with pytest.raises(ConfigError, match="RENDERFARM_CA: a CA only applies to TLS"):
        resolve({"RENDERFARM_SERVER": "http://farm:8000", "RENDERFARM_CA": str(pki / "ca.pem")}, hostname="node1")


@pytest.mark.integration
def test_missing_or_non_pem_ca_file_is_a_clear_error(pki):
    with pytest.raises(ConfigError, match="RENDERFARM_CA: cannot read"):
        resolve({"RENDERFARM_SERVER": "grpcs://farm", "RENDERFARM_CA": str(pki / "missing.pem")},
                grpc_available=True, hostname="node1")
    with pytest.raises(ConfigError, match="holds no PEM certificate"):
        resolve({"RENDERFARM_SERVER": "grpcs://farm", "RENDERFARM_CA": str(pki / "san.ext")},
                grpc_available=True, hostname="node1")
