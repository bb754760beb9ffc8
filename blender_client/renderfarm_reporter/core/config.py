"""Settings: the environment first (farm nodes run headless), then the add-on preferences, then defaults."""

import os
import urllib.parse
from dataclasses import dataclass

from .identity import default_host, identity_error

GRPC = "grpc"
GRPC_WEB = "grpc-web"
TRANSPORTS = ("auto", GRPC, GRPC_WEB)

DEFAULT_SERVER = "localhost"


@dataclass(frozen=True)
class Scheme:
    """A scheme of RENDERFARM_SERVER: the transport and TLS it means, and the server's port when none is given."""
    name: str
    transport: str  # GRPC or GRPC_WEB
    tls: bool
    default_port: int  # the server's RenderFarm:GrpcPort or RenderFarm:HttpPort

    def __str__(self):
        return f"{self.name}://"


# Parsing, default ports, an Endpoint's text and every message that names a scheme or port come from here.
SCHEMES = (
    Scheme("grpc", GRPC, tls=False, default_port=50051),
    Scheme("grpcs", GRPC, tls=True, default_port=50051),
    Scheme("http", GRPC_WEB, tls=False, default_port=8000),
    Scheme("https", GRPC_WEB, tls=True, default_port=8000),
)


def scheme_of(transport, tls):
    return next(scheme for scheme in SCHEMES if (scheme.transport, scheme.tls) == (transport, tls))


def default_port(transport):
    return scheme_of(transport, tls=False).default_port


def listed(schemes, last="or"):
    """For messages: 'grpc://, grpcs://, http:// or https://'."""
    *others, final = (str(scheme) for scheme in schemes)
    return f"{', '.join(others)} {last} {final}"


# Environment variable -> preference property of the same meaning.
ENVIRONMENT = {
    "RENDERFARM_SERVER": "server",
    "RENDERFARM_TRANSPORT": "transport",
    "RENDERFARM_HOST": "host",
    "RENDERFARM_INSTANCE": "instance",
    "RENDERFARM_TOKEN": "token",
    "RENDERFARM_CA": "ca_file",
}


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the setting and what is wrong."""


@dataclass(frozen=True)
class Endpoint:
    transport: str  # GRPC or GRPC_WEB
    address: str  # host name or IP address, without brackets
    port: int
    tls: bool
    path_prefix: str = ""  # gRPC-Web behind a reverse proxy under a path

    def __str__(self):
        address = f"[{self.address}]" if ":" in self.address else self.address
        return f"{scheme_of(self.transport, self.tls)}{address}:{self.port}{self.path_prefix}"

    @classmethod
    def example(cls, transport):
        """For help texts: grpc://host:50051 or http://host:8000."""
        return cls(transport, "host", default_port(transport), tls=False)


@dataclass(frozen=True)
class Settings:
    endpoint: Endpoint
    host: str
    instance: str | None  # None: the lowest free instance number (see instance_lock)
    token: str | None
    ca_file: str | None = None  # PEM file of the CA that signed the server's certificate; None: the system's CAs

    def describe(self):
        """For the console: never shows the token itself."""
        token = "with a bearer token" if self.token else "without a token"
        ca = f", trusting the CA in {self.ca_file}" if self.ca_file else ""
        return f"{self.endpoint} ({'native gRPC' if self.endpoint.transport == GRPC else 'gRPC-Web'}, {token}{ca})"


def resolve(environ=None, preferences=None, grpc_available=False, hostname=None):
    """Settings from ``environ`` (default ``os.environ``) and ``preferences`` (a mapping of the
    preference properties), or ConfigError naming the first bad setting."""
    environ = os.environ if environ is None else environ
    preferences = preferences or {}

    def setting(variable):
        value = environ.get(variable, "").strip()
        if value:
            return value, variable
        value = str(preferences.get(ENVIRONMENT[variable], "") or "").strip()
        return (value, f"the add-on preference '{ENVIRONMENT[variable]}'") if value else (None, None)

    transport, source = setting("RENDERFARM_TRANSPORT")
    transport = (transport or "auto").lower()
    if transport not in TRANSPORTS:
        raise ConfigError(f"{source}: '{transport}' is not one of {', '.join(TRANSPORTS)}")
    if transport == GRPC and not grpc_available:
        raise ConfigError(f"{source}: 'grpc' needs the Python module grpcio, which this Blender cannot import; "
                          "install it (Debian: python3-grpcio) or use 'grpc-web'")

    server, server_source = setting("RENDERFARM_SERVER")
    endpoint = parse_server(server or DEFAULT_SERVER, transport, grpc_available, server_source or "RENDERFARM_SERVER")

    host, host_source = setting("RENDERFARM_HOST")
    if host is None:
        host = default_host(hostname)
    elif error := identity_error(host):
        raise ConfigError(f"{host_source}: {error}")

    instance, instance_source = setting("RENDERFARM_INSTANCE")
    if instance is not None and (error := identity_error(instance)):
        raise ConfigError(f"{instance_source}: {error}")

    token, token_source = setting("RENDERFARM_TOKEN")
    if token is not None and not all(" " < c < "\x7f" for c in token):
        raise ConfigError(f"{token_source}: a bearer token is printable ASCII without spaces")

    ca_file, ca_source = setting("RENDERFARM_CA")
    if ca_file is not None:
        if not endpoint.tls:
            raise ConfigError(f"{ca_source}: a CA only applies to TLS; use {listed(s for s in SCHEMES if s.tls)} "
                              f"in RENDERFARM_SERVER (it is {endpoint})")
        ca_file = os.path.expanduser(ca_file)
        try:
            with open(ca_file, "rb") as pem:
                if b"-----BEGIN CERTIFICATE-----" not in pem.read(1 << 20):
                    raise ConfigError(f"{ca_source}: '{ca_file}' holds no PEM certificate")
        except OSError as error:
            raise ConfigError(f"{ca_source}: cannot read '{ca_file}' ({error.strerror or error})") from None

    return Settings(endpoint=endpoint, host=host, instance=instance, token=token, ca_file=ca_file)


def parse_server(text, transport="auto", grpc_available=False, source="RENDERFARM_SERVER"):
    """``host``, ``host:port`` or a URL (a scheme of SCHEMES) as an Endpoint."""
    text = text.strip()
    web = [scheme for scheme in SCHEMES if scheme.transport == GRPC_WEB]
    if "://" in text:
        name = text.split("://", 1)[0].lower()
        scheme = next((scheme for scheme in SCHEMES if scheme.name == name), None)
        if scheme is None:
            raise ConfigError(f"{source}: '{text}' has the scheme '{name}://'; use {listed(SCHEMES)}")
        kind = scheme.transport
        if transport != "auto" and transport != kind:
            raise ConfigError(f"{source}: '{text}' means {kind}, but the transport is set to '{transport}'")
        if kind == GRPC and not grpc_available:
            raise ConfigError(f"{source}: '{text}' needs the Python module grpcio, which this Blender cannot import; "
                              f"install it (Debian: python3-grpcio) or use {scheme_of(GRPC_WEB, tls=False)} (gRPC-Web)")
        parts = _split(text, source)
    else:
        kind = transport if transport != "auto" else (GRPC if grpc_available else GRPC_WEB)
        scheme = scheme_of(kind, tls=False)
        parts = _split("//" + text, source)
        if parts.path:
            raise ConfigError(f"{source}: '{text}' has a path; a path needs a URL such as {web[0]}{text}")

    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(f"{source}: '{text}' may only hold a host, a port and (for "
                          f"{'/'.join(scheme.name for scheme in web)}) a path")
    if not parts.hostname:
        raise ConfigError(f"{source}: '{text}' names no host")
    path = parts.path.rstrip("/")
    if path and kind == GRPC:
        raise ConfigError(f"{source}: '{text}' has a path, which native gRPC cannot use")
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"{source}: '{text}' has an invalid port (a number from 1 to 65535)") from None
    if port == 0:
        raise ConfigError(f"{source}: '{text}' has an invalid port (a number from 1 to 65535)")
    return Endpoint(kind, parts.hostname, port or scheme.default_port, scheme.tls, path)


def _split(text, source):
    try:
        return urllib.parse.urlsplit(text)
    except ValueError as error:
        raise ConfigError(f"{source}: '{text}' is not a valid address ({error})") from None
