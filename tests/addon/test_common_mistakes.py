"""The add-on's one line for each common mistake, against the real RenderFarm server: the
HTTP port given for native gRPC and the reverse, no token or a wrong one, a name that does
not resolve, TLS to a plain server and plain text to a TLS one."""

import pytest

from renderfarm_reporter.core import grpc_native
from renderfarm_reporter.core.config import parse_server
from renderfarm_reporter.core.grpc_web import GrpcWebTransport
from renderfarm_reporter.core.render_tracker import RenderSnapshot
from renderfarm_reporter.core.reporter import Identity, Reporter

IDENTITY = Identity("mistake-node", "0", "session-m", "4.3.0", "1.0.0")
needs_grpcio = pytest.mark.skipif(not grpc_native.available(), reason="python3-grpcio is not installed")


def _console_line(server_text, token=None, ca_file=None, clock=None):
    """What the add-on prints after its first report to ``server_text`` fails."""
    endpoint = parse_server(server_text, "auto", grpc_available=grpc_native.available())
    transport_type = grpc_native.NativeTransport if endpoint.transport == "grpc" else GrpcWebTransport
    transport = transport_type(endpoint, token=token, ca_file=ca_file)
    lines = []
    reporter = Reporter(transport, IDENTITY, str(endpoint), lines.append, clock=clock)
    try:
        reporter._report(RenderSnapshot())
    finally:
        transport.close()
    assert len(lines) == 1, lines
    return lines[0]


def _port_for(server, scheme):
    """The server's port for ``scheme``; native gRPC is skipped where grpcio cannot be imported."""
    if scheme in ("grpc", "grpcs"):
        if not grpc_native.available():
            pytest.skip("python3-grpcio is not installed")
        return server.grpc_port
    return server.http_port


@needs_grpcio
@pytest.mark.integration
def test_http_port_given_for_native_grpc_names_both_ports(plain_server, clock):
    line = _console_line(f"grpc://127.0.0.1:{plain_server.http_port}", token="farm-token", clock=clock)
    assert line.startswith(f"RenderFarm: port {plain_server.http_port} answers HTTP/1.1 (gRPC-Web")
    assert "grpc://127.0.0.1:50051" in line and f"http://127.0.0.1:{plain_server.http_port}" in line


@pytest.mark.integration
def test_native_grpc_port_given_for_grpc_web_names_both_ports(plain_server, clock):
    line = _console_line(f"http://127.0.0.1:{plain_server.grpc_port}", token="farm-token", clock=clock)
    assert line.startswith(f"RenderFarm: port {plain_server.grpc_port} serves native gRPC (HTTP/2) only")
    assert "http://127.0.0.1:8000" in line and f"grpc://127.0.0.1:{plain_server.grpc_port}" in line


@pytest.mark.parametrize("scheme", ["grpc", "http"])
@pytest.mark.integration
def test_no_token_against_a_server_that_needs_one_says_none_is_set(plain_server, scheme, clock):
    port = _port_for(plain_server, scheme)
    line = _console_line(f"{scheme}://127.0.0.1:{port}", clock=clock)
    assert "requires a token and none is set: set RENDERFARM_TOKEN" in line
    assert line.endswith("Trying again every 30 s.")


@pytest.mark.parametrize("scheme", ["grpc", "http"])
@pytest.mark.integration
def test_a_wrong_token_is_called_wrong_and_never_shown(plain_server, scheme, clock):
    port = _port_for(plain_server, scheme)
    line = _console_line(f"{scheme}://127.0.0.1:{port}", token="not-the-farm-token", clock=clock)
    assert "does not accept the token that is set" in line
    assert "not-the-farm-token" not in line


@pytest.mark.parametrize("scheme", ["grpc", "http"])
def test_a_name_that_does_not_resolve_is_named(scheme, clock):
    if scheme == "grpc" and not grpc_native.available():
        pytest.skip("python3-grpcio is not installed")
    # .invalid never resolves (RFC 2606): no traffic leaves the machine.
    line = _console_line(f"{scheme}://render-server.invalid", clock=clock)
    assert line.startswith("RenderFarm: the name 'render-server.invalid' does not resolve (DNS)")


@pytest.mark.parametrize("scheme", ["grpcs", "https"])
@pytest.mark.integration
def test_tls_to_a_plain_server_says_it_serves_no_tls(plain_server, scheme, pki, clock):
    port = _port_for(plain_server, scheme)
    line = _console_line(f"{scheme}://127.0.0.1:{port}", token="farm-token", ca_file=str(pki / "ca.pem"), clock=clock)
    plain = "grpc" if scheme == "grpcs" else "http"
    assert f"does not serve TLS on port {port}: set RENDERFARM_SERVER to {plain}://127.0.0.1:{port}" in line


@pytest.mark.parametrize("scheme", ["grpc", "http"])
@pytest.mark.integration
def test_plain_text_to_a_tls_server_points_at_tls_and_the_ca(tls_server, scheme, clock):
    port = _port_for(tls_server, scheme)
    line = _console_line(f"{scheme}://127.0.0.1:{port}", clock=clock)
    assert f"set RENDERFARM_SERVER to {scheme}s://127.0.0.1:{port} and RENDERFARM_CA" in line


@pytest.mark.integration
def test_the_right_address_and_ca_report_without_a_complaint(tls_server, pki, clock):
    endpoint = parse_server(f"https://127.0.0.1:{tls_server.http_port}")
    transport = GrpcWebTransport(endpoint, ca_file=str(pki / "ca.pem"))
    lines = []
    reporter = Reporter(transport, IDENTITY, str(endpoint), lines.append, clock=clock)
    reporter._report(RenderSnapshot())
    transport.close()
    assert lines == [] and reporter._reached_server


def test_a_dropped_connection_after_reports_got_through_is_not_called_a_tls_mismatch():
    from renderfarm_reporter.core import diagnosis
    from renderfarm_reporter.core.config import GRPC_WEB, Endpoint
    from renderfarm_reporter.core.status import RpcError, StatusCode
    endpoint = Endpoint(GRPC_WEB, "farm", 8000, False)
    dropped = RpcError(StatusCode.UNAVAILABLE, "RemoteDisconnected: Remote end closed connection without response")
    assert "as a TLS port does to plain text" in diagnosis.explain(dropped, endpoint, has_token=False)
    # A server restart or a network blip once reports got through: a plain outage, no advice about TLS.
    assert diagnosis.explain(dropped, endpoint, has_token=False, reached_before=True) is None
