"""The add-on's preferences. Environment variables (RENDERFARM_*) win over these."""

import os

import bpy

from . import reporter_lifecycle
from .core.config import DEFAULT_SERVER, ENVIRONMENT, GRPC, GRPC_WEB, SCHEMES, Endpoint, default_port, listed


def _reset_connection(_self, _context):
    reporter_lifecycle.restart()


def _setting(property_type=bpy.props.StringProperty, **options):
    """A preference of the reporter's: a change rebuilds it with the new settings."""
    return property_type(update=_reset_connection, **options)


class RenderFarmPreferences(bpy.types.AddonPreferences):
    bl_idname = __package__

    server: _setting(
        name="Server",
        description=f"host, host:port, {Endpoint.example(GRPC)} (native gRPC) or {Endpoint.example(GRPC_WEB)} "
                    f"(gRPC-Web). Empty: {DEFAULT_SERVER}")
    transport: _setting(
        bpy.props.EnumProperty,
        name="Transport",
        items=(
            ("auto", "Automatic", "Native gRPC when grpcio can be imported, else gRPC-Web"),
            (GRPC, "Native gRPC", f"HTTP/2 with grpcio, default port {default_port(GRPC)}"),
            (GRPC_WEB, "gRPC-Web", f"HTTP/1.1 with the standard library, default port {default_port(GRPC_WEB)}"),
        ),
        default="auto")
    host: _setting(name="Host", description="The host label. Empty: this machine's host name")
    instance: _setting(
        name="Instance",
        description="The instance label. Empty: the lowest slot number free on this host, "
                    "stable from one run to the next")
    token: _setting(name="Token", description="Bearer token, when the server requires one", subtype="PASSWORD")
    ca_file: _setting(
        name="CA File",
        description=f"PEM file of the CA that signed the server's certificate "
                    f"({listed((s for s in SCHEMES if s.tls), last='and')} only). Empty: the system's CAs",
        subtype="FILE_PATH")

    def draw(self, _context):
        layout = self.layout
        layout.use_property_split = True
        layout.use_property_decorate = False
        for variable, name in ENVIRONMENT.items():
            row = layout.row()
            row.prop(self, name)
            if os.environ.get(variable, "").strip():
                row.enabled = False
                row.label(text=f"{variable} is set and wins", icon="INFO")
        problem = reporter_lifecycle.has_problem()
        layout.label(text=reporter_lifecycle.status(), icon="ERROR" if problem else "CHECKMARK")


def register():
    bpy.utils.register_class(RenderFarmPreferences)


def unregister():
    bpy.utils.unregister_class(RenderFarmPreferences)
