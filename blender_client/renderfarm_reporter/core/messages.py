"""The messages of protos/renderfarm/v1/reporter.proto, encoded and decoded by hand.

The add-on must work with only the standard library, so there are no generated classes.
Field numbers and types follow the .proto exactly; proto3 fields holding their default value
are left out, ``optional`` fields are written whenever present (None means absent), and
fields go out in field-number order, as protobuf's own serializers write them (the tests
compare bytes with python3-protobuf).
"""

import math
from dataclasses import dataclass

from .wire import WIRE_VARINT, DecodeError, double_field, fields, int32_field, string_field, uint_field

RENDER_STATE_IDLE = 1
RENDER_STATE_RENDERING = 2


@dataclass
class ReportRequest:
    host: str = ""
    instance: str = ""
    session_id: str = ""
    sequence: int = 0
    state: int = RENDER_STATE_IDLE
    blender_version: str = ""
    addon_version: str = ""
    scene: str = ""
    blend_file: str = ""
    engine: str = ""
    current_frame: int = 0
    job_frame_start: int | None = None
    job_frame_end: int | None = None
    frames_rendered: int = 0
    render_seconds: float = 0.0
    last_frame_seconds: float | None = None
    process_cpu_seconds: float = 0.0
    resident_memory_bytes: int | None = None

    def encode(self):
        return b"".join((
            string_field(1, self.host),
            string_field(2, self.instance),
            string_field(3, self.session_id),
            uint_field(4, self.sequence),
            uint_field(5, self.state),
            string_field(6, self.blender_version),
            string_field(7, self.addon_version),
            string_field(8, self.scene),
            string_field(9, self.blend_file),
            string_field(10, self.engine),
            int32_field(11, self.current_frame),
            int32_field(12, self.job_frame_start, present=self.job_frame_start is not None),
            int32_field(13, self.job_frame_end, present=self.job_frame_end is not None),
            uint_field(14, self.frames_rendered),
            double_field(15, self.render_seconds),
            double_field(16, self.last_frame_seconds, present=self.last_frame_seconds is not None),
            double_field(17, self.process_cpu_seconds),
            uint_field(18, self.resident_memory_bytes, present=self.resident_memory_bytes is not None),
        ))


@dataclass
class SignOffRequest:
    host: str = ""
    instance: str = ""
    session_id: str = ""

    def encode(self):
        return string_field(1, self.host) + string_field(2, self.instance) + string_field(3, self.session_id)


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


@dataclass(frozen=True)
class SignOffReply:
    removed: bool = False

    @classmethod
    def decode(cls, data):
        removed = False
        for number, wire_type, value in fields(data):
            if number == 1:
                if wire_type != WIRE_VARINT:
                    raise DecodeError(f"SignOffReply field 1 has wire type {wire_type}, expected a varint")
                removed = value != 0
        return cls(removed)


def finite_seconds(value):
    """The server refuses NaN, infinities and negative seconds; a clock oddity must not cost a report."""
    return value if math.isfinite(value) and value >= 0 else 0.0

