"""The messages of protos/renderfarm/v1/reporter.proto that the add-on uses, encoded and decoded by hand.

The add-on must work with only the standard library, so there are no generated classes.
Each request is a table of its fields (name, number, type, optional), checked field by field
against the .proto's descriptor by the tests, so a field added to the .proto fails a test that
names it until the add-on carries it. The request's class is made from its table: a field is
declared once. Field numbers and types follow the .proto exactly; proto3 fields holding their
default value are left out, ``optional`` fields are written whenever present (None means
absent), and fields go out in field-number order, as protobuf's own serializers write them
(the tests compare bytes with python3-protobuf).
"""

import dataclasses
import math
from dataclasses import dataclass

from .wire import (WIRE_VARINT, DecodeError, double_field, fields, int32_field, packed_uint_field, string_field,
                   uint_field)

RENDER_STATE_IDLE = 1
RENDER_STATE_RENDERING = 2


@dataclass(frozen=True)
class Field:
    """One field of a request as the .proto declares it; a test checks each table against the descriptor."""
    name: str
    number: int
    kind: str  # the .proto type: "string", "uint64", "enum", "int32", "double"
    optional: bool = False
    repeated: bool = False  # only uint64 (packed) so far

    def encode(self, value):
        if self.repeated:
            return packed_uint_field(self.number, value)
        if self.kind == "string":
            return string_field(self.number, value)
        present = value is not None if self.optional else None
        if self.kind in ("uint64", "uint32", "enum"):
            return uint_field(self.number, value, present=present)
        if self.kind == "int32":
            return int32_field(self.number, value, present=present)
        return double_field(self.number, value, present=present)

    @property
    def default(self):
        """proto3's: absent (None) for an ``optional`` field, empty for a repeated one, else the type's zero."""
        if self.repeated:
            return ()
        if self.optional:
            return None
        return {"string": "", "double": 0.0}.get(self.kind, 0)

    @property
    def python_type(self):
        python_type = {"string": str, "double": float}.get(self.kind, int)
        if self.repeated:
            return tuple[python_type, ...]
        return python_type | None if self.optional else python_type


def encode(message, table):
    # Field-number order, as protobuf's own serializers write.
    return b"".join(field.encode(getattr(message, field.name)) for field in table)


def request_class(name, table):
    """A dataclass with one attribute per row of ``table`` (proto3 defaults, keyword or positional in
    field-number order) and ``encode()``."""
    attributes = [(field.name, field.python_type, dataclasses.field(default=field.default)) for field in table]
    cls = dataclasses.make_dataclass(name, attributes, namespace={"encode": lambda self: encode(self, table)})
    cls.__module__ = __name__
    return cls


REPORT_FIELDS = (
    Field("host", 1, "string"),
    Field("instance", 2, "string"),
    Field("session_id", 3, "string"),
    Field("sequence", 4, "uint64"),
    Field("state", 5, "enum"),
    Field("blender_version", 6, "string"),
    Field("addon_version", 7, "string"),
    Field("scene", 8, "string"),
    Field("blend_file", 9, "string"),
    Field("engine", 10, "string"),
    Field("current_frame", 11, "int32"),
    Field("job_frame_start", 12, "int32", optional=True),
    Field("job_frame_end", 13, "int32", optional=True),
    Field("frames_rendered", 14, "uint64"),
    Field("render_seconds", 15, "double"),
    Field("last_frame_seconds", 16, "double", optional=True),
    Field("process_cpu_seconds", 17, "double"),
    Field("resident_memory_bytes", 18, "uint64", optional=True),
    Field("device", 19, "string"),
    Field("job", 20, "string"),
    Field("samples", 21, "uint32", optional=True),
    Field("frame_seconds_counts", 22, "uint64", repeated=True),
    Field("frame_seconds_sum", 23, "double"),
    Field("frame_peak_memory_bytes", 24, "uint64", optional=True),
    Field("renders_completed", 25, "uint64"),
    Field("renders_cancelled", 26, "uint64"),
    Field("renders_failed", 27, "uint64"),
    Field("render_failure", 28, "string"),
    Field("frame_elapsed_seconds", 29, "double", optional=True),
    Field("progress_age_seconds", 30, "double", optional=True),
    Field("frame_samples_done", 31, "uint32", optional=True),
    Field("frame_samples_total", 32, "uint32", optional=True),
)

SIGN_OFF_FIELDS = (
    Field("host", 1, "string"),
    Field("instance", 2, "string"),
    Field("session_id", 3, "string"),
)


ReportRequest = request_class("ReportRequest", REPORT_FIELDS)
SignOffRequest = request_class("SignOffRequest", SIGN_OFF_FIELDS)


@dataclass(frozen=True)
class ReportReply:
    applied: bool = False
    heartbeat_interval_ms: int = 0

    @classmethod
    def decode(cls, data):
        applied, heartbeat = False, 0
        for number, wire_type, value in fields(data):
            if number == 1 and wire_type == WIRE_VARINT:
                applied = value != 0
            elif number == 2 and wire_type == WIRE_VARINT:
                heartbeat = value & 0xFFFFFFFF
            elif number in (1, 2):
                raise DecodeError(f"ReportReply field {number} has wire type {wire_type}, expected a varint")
        return cls(applied, heartbeat)


def finite_seconds(value):
    """Seconds as a report carries them: to the millisecond, and never NaN, infinite or negative.

    The server refuses NaN, infinities and negative seconds, and a clock oddity must not cost a report.
    Digits below the millisecond are clock noise, and the server writes a value of whole milliseconds
    several times faster than an arbitrary one on every scrape.
    """
    return round(value, 3) if math.isfinite(value) and value >= 0 else 0.0
