"""The add-on's preferences. Environment variables (RENDERFARM_*) win over these."""

import os

import bpy

from . import reporter_lifecycle
from .core.config import ENVIRONMENT


def _reset_connection(_self, _context):
    reporter_lifecycle.restart()


class RenderFarmPreferences(bpy.types.AddonPreferences):
    bl_idname = __package__

    server: bpy.props.StringProperty(
        name="Server",
        description="host, host:port, grpc://host:50051 (native gRPC) or http://host:8000 (gRPC-Web). "
                    "Empty: localhost",
        update=_reset_connection,
    )
    transport: bpy.props.EnumProperty(
        name="Transport",
        items=(
            ("auto", "Automatic", "Native gRPC when grpcio can be imported, else gRPC-Web"),
            ("grpc", "Native gRPC", "HTTP/2 with grpcio, default port 50051"),
            ("grpc-web", "gRPC-Web", "HTTP/1.1 with the standard library, default port 8000"),
        ),
        default="auto",
        update=_reset_connection,
    )
    host: bpy.props.StringProperty(
        name="Host", description="The host label. Empty: this machine's host name", update=_reset_connection)
    instance: bpy.props.StringProperty(
        name="Instance",
        description="The instance label. Empty: the lowest slot number free on this host, "
                    "stable from one run to the next",
        update=_reset_connection,
    )
    token: bpy.props.StringProperty(
        name="Token", description="Bearer token, when the server requires one", subtype="PASSWORD",
        update=_reset_connection)
    ca_file: bpy.props.StringProperty(
        name="CA File",
        description="PEM file of the CA that signed the server's certificate (grpcs:// and https:// only). "
                    "Empty: the system's CAs",
        subtype="FILE_PATH",
        update=_reset_connection)

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
