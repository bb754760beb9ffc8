"""Native gRPC (HTTP/2) through grpcio, when this Python can import it."""

import os
import threading

from .status import RpcError, StatusCode

# grpcio's core logs every failed TLS handshake to stderr, once per attempt; the reporter says
# what matters once. An explicit GRPC_VERBOSITY still wins.
os.environ.setdefault("GRPC_VERBOSITY", "NONE")

try:
    import grpc
except ImportError:  # Blender's bundled Python usually lacks it; gRPC-Web needs nothing.
    grpc = None


def available():
    return grpc is not None


class NativeTransport:
    """Unary calls with bytes in and out, on a channel that is rebuilt when the server is unavailable.

    grpcio's own reconnect backoff (up to two minutes) would hold calls back after the
    server returns; a fresh channel with a private subchannel pool leaves the pacing to ours.
    After a timeout the channel is kept: closing one while it is still connecting to a server
    that accepts but never answers leaks its socket (grpcio 1.51), one per attempt.
    """

    _OPTIONS = (
        ("grpc.use_local_subchannel_pool", 1),
        ("grpc.enable_retries", 0),
        ("grpc.initial_reconnect_backoff_ms", 250),
        ("grpc.max_reconnect_backoff_ms", 1000),
    )

    def __init__(self, endpoint, token=None, user_agent="renderfarm-reporter", ca_file=None):
        if grpc is None:
            raise RuntimeError("grpcio is not importable")
        self._endpoint = endpoint
        # Read by diagnosis when a call fails.
        self.endpoint = endpoint
        self.has_token = bool(token)
        self._root_certificates = None
        if ca_file:
            with open(ca_file, "rb") as pem:
                self._root_certificates = pem.read()
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self._options = self._OPTIONS + (("grpc.primary_user_agent", user_agent),)
        # close() and abort() may come from another thread than the call's (see abort).
        self._lock = threading.Lock()
        self._channel = None
        self._methods = {}

    def call(self, method, request, timeout):
        try:
            return self._method(method)(request, timeout=timeout, metadata=self._metadata)
        except grpc.RpcError as error:
            code = error.code() if callable(getattr(error, "code", None)) else None
            if code == grpc.StatusCode.UNAVAILABLE:
                self.close()
            details = error.details() if callable(getattr(error, "details", None)) else str(error)
            # grpcio tells a failed certificate check only in its text.
            text = (details or "").lower()
            untrusted = "certificate verify failed" in text or "certificate_verify_failed" in text
            raise RpcError(StatusCode.of(code.value[0]) if code else StatusCode.UNKNOWN, details or "",
                           untrusted_certificate=untrusted) from None

    def _method(self, method):
        with self._lock:
            return self._method_locked(method)

    def _method_locked(self, method):
        if self._channel is None:
            target = f"{self._endpoint.address}:{self._endpoint.port}"
            if ":" in self._endpoint.address:
                target = f"[{self._endpoint.address}]:{self._endpoint.port}"
            if self._endpoint.tls:
                credentials = grpc.ssl_channel_credentials(root_certificates=self._root_certificates)
                self._channel = grpc.secure_channel(target, credentials, options=self._options)
            else:
                self._channel = grpc.insecure_channel(target, options=self._options)
            self._methods = {}
        if method not in self._methods:
            # No serializers: requests and replies are already bytes (see messages.py).
            self._methods[method] = self._channel.unary_unary(method)
        return self._methods[method]

    def close(self):
        with self._lock:
            channel, self._channel, self._methods = self._channel, None, {}
        if channel is not None:
            channel.close()

    def abort(self):
        """From any thread: ends a call in progress now (closing a channel cancels its calls)."""
        self.close()
