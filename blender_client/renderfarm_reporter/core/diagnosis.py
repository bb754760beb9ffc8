"""What a failed call most likely means, in one sentence an operator can act on.

The common mistakes look alike from far away (UNAVAILABLE, INTERNAL), but each leaves a
recognisable trace in the error text of grpcio or of Python's http.client and ssl, as seen
against the real server: the HTTP port given for native gRPC or the reverse, no token or a
wrong one, a name that does not resolve, TLS to a plain server or the reverse.
"""

from .config import GRPC, GRPC_WEB, Endpoint, default_port, scheme_of
from .status import StatusCode

_HTTP1_ANSWERED_HTTP2 = ("failed parsing http/2",)
_HTTP2_ONLY_PORT = ("http 400 without a grpc status",)
_NAME_NOT_RESOLVED = ("dns resolution failed", "name or service not known", "temporary failure in name resolution",
                      "nodename nor servname", "getaddrinfo failed", "no address associated with hostname")
_NOT_TLS = ("wrong version number", "wrong_version_number", "record layer failure", "packet length too long",
            "unknown protocol")
_CLOSED_WITHOUT_ANSWER = ("socket closed", "remote end closed connection without response", "connection reset")


def explain(error, endpoint, has_token, reached_before=False):
    """A sentence naming the likely mistake and its fix, or None when the failure looks like no common mistake.

    ``reached_before``: reports got through on this endpoint already, so a dropped connection is a restart or
    a network blip, not a TLS mismatch."""
    if not isinstance(endpoint, Endpoint):
        return None
    text = f"{error.message} {error}".lower()
    native = endpoint.transport == GRPC
    http_port, grpc_port = default_port(GRPC_WEB), default_port(GRPC)
    host = f"[{endpoint.address}]" if ":" in endpoint.address else endpoint.address
    # With TLS as set (grpcs://, https://), without it, and TLS the other way round, for this transport.
    native_scheme, web_scheme = scheme_of(GRPC, endpoint.tls), scheme_of(GRPC_WEB, endpoint.tls)
    plain, secure = scheme_of(endpoint.transport, tls=False), scheme_of(endpoint.transport, tls=True)

    if error.code == StatusCode.UNAUTHENTICATED:
        if not has_token:
            return (f"the server at {endpoint} requires a token and none is set: set RENDERFARM_TOKEN "
                    "(or the add-on's Token preference) to one of the server's tokens.")
        return (f"the server at {endpoint} does not accept the token that is set (RENDERFARM_TOKEN or the "
                "add-on's Token preference): it is none of the server's RenderFarm:Tokens or TokensFile lines.")
    if _any(text, _NAME_NOT_RESOLVED):
        return (f"the name '{endpoint.address}' does not resolve (DNS) on this machine: check the host name in "
                "RENDERFARM_SERVER, or give the server's IP address.")
    if native and _any(text, _HTTP1_ANSWERED_HTTP2):
        return (f"port {endpoint.port} answers HTTP/1.1 (gRPC-Web, /metrics, the farm page), not native gRPC: "
                f"for native gRPC set RENDERFARM_SERVER to {native_scheme}{host}:{grpc_port} (the server's "
                f"RenderFarm:GrpcPort), for gRPC-Web to {web_scheme}{host}:{endpoint.port}.")
    if not native and _any(text, _HTTP2_ONLY_PORT):
        return (f"port {endpoint.port} serves native gRPC (HTTP/2) only, not gRPC-Web: set RENDERFARM_SERVER to "
                f"{web_scheme}{host}:{http_port} for gRPC-Web (the server's RenderFarm:HttpPort), or to "
                f"{native_scheme}{host}:{endpoint.port} for native gRPC (needs grpcio).")
    if endpoint.tls and _any(text, _NOT_TLS):
        return (f"the server at {endpoint} does not serve TLS on port {endpoint.port}: set RENDERFARM_SERVER to "
                f"{plain}{host}:{endpoint.port}, or give the server a certificate "
                "(Kestrel:Certificates:Default:Path).")
    if reached_before:
        return None
    if not endpoint.tls and _any(text, _CLOSED_WITHOUT_ANSWER):
        return (f"the server at {endpoint} closed the connection without answering, as a TLS port does to plain "
                f"text: if the server has a certificate, set RENDERFARM_SERVER to "
                f"{secure}{host}:{endpoint.port} and RENDERFARM_CA to its CA.")
    if endpoint.tls and not native and _any(text, _CLOSED_WITHOUT_ANSWER):
        return (f"the server at {endpoint} closed the connection without answering, as its native gRPC port does "
                f"to gRPC-Web: set RENDERFARM_SERVER to {web_scheme}{host}:{http_port} for gRPC-Web, or "
                f"{native_scheme}{host}:{endpoint.port} for native gRPC.")
    return None


def _any(text, needles):
    return any(needle in text for needle in needles)
