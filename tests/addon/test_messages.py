import dataclasses
import math

import pytest

from renderfarm_reporter.core import messages
from renderfarm_reporter.core.messages import RENDER_STATE_IDLE, RENDER_STATE_RENDERING, finite_seconds
from renderfarm_reporter.core.messages import ReportReply, ReportRequest, SignOffRequest
from renderfarm_reporter.core.render_tracker import SceneInfo
from renderfarm_reporter.core.reporter import Identity
from renderfarm_reporter.core.wire import DecodeError

FULL = ReportRequest(
    host="node-07.farm", instance="3", session_id="0f3c9a", sequence=2**40 + 5,
    state=RENDER_STATE_RENDERING, blender_version="3.4.1", addon_version="1.0.0",
    scene="Scène ✓", blend_file="shot010.blend", engine="CYCLES", current_frame=-12,
    job_frame_start=-20, job_frame_end=250, frames_rendered=18446744073709551615,
    render_seconds=1234.5678, last_frame_seconds=2.5, process_cpu_seconds=99.25,
    resident_memory_bytes=3 * 2**30, device="OPTIX", job="shot010_lighting v3", samples=4096,
    frame_seconds_counts=(0, 3, 0, 2**40) + (0,) * 8 + (1,), frame_seconds_sum=1234.5,
    frame_peak_memory_bytes=17 * 2**30, renders_completed=7, renders_cancelled=1,
)


def as_pb2(pb2, request):
    message = pb2.ReportRequest()
    for name, value in request.__dict__.items():
        if isinstance(value, tuple):
            getattr(message, name).extend(value)
        elif value is not None:
            setattr(message, name, value)
    return message


@pytest.mark.parametrize("request_", [
    FULL,
    ReportRequest(),
    ReportRequest(host="h", instance="0", session_id="s", sequence=1, state=RENDER_STATE_IDLE),
    # Optional fields holding zero are present, and must be written.
    ReportRequest(host="h", job_frame_start=0, job_frame_end=0, last_frame_seconds=0.0, resident_memory_bytes=0,
                  samples=0, frame_peak_memory_bytes=0),
    # A repeated field holding zeros is written; only an empty one is left out.
    ReportRequest(frame_seconds_counts=(0,) * 13),
    ReportRequest(current_frame=-(2**31), job_frame_start=2**31 - 1, job_frame_end=2**31 - 1),
    ReportRequest(render_seconds=5e-324, process_cpu_seconds=1e300, last_frame_seconds=math.inf),
], ids=["full", "empty", "minimal", "optional-zeros", "zero-counts", "int32-limits", "doubles"])
@pytest.mark.integration
def test_report_request_encodes_byte_for_byte_like_protobuf(reporter_pb2, request_):
    assert request_.encode() == as_pb2(reporter_pb2, request_).SerializeToString()


@pytest.mark.integration
def test_report_request_round_trips_through_protobuf_with_presence_kept(reporter_pb2):
    parsed = reporter_pb2.ReportRequest.FromString(FULL.encode())
    assert parsed.scene == "Scène ✓"
    assert parsed.current_frame == -12
    assert parsed.HasField("job_frame_start") and parsed.job_frame_start == -20
    assert parsed.HasField("resident_memory_bytes")

    absent = reporter_pb2.ReportRequest.FromString(ReportRequest(host="h").encode())
    for field in ("job_frame_start", "job_frame_end", "last_frame_seconds", "resident_memory_bytes", "samples",
                  "frame_peak_memory_bytes"):
        assert not absent.HasField(field)
    assert list(parsed.frame_seconds_counts) == list(FULL.frame_seconds_counts)


@pytest.mark.integration
def test_sign_off_request_encodes_byte_for_byte_like_protobuf(reporter_pb2):
    ours = SignOffRequest("node-07", "0", "abc123")
    theirs = reporter_pb2.SignOffRequest(host="node-07", instance="0", session_id="abc123")
    assert ours.encode() == theirs.SerializeToString()


@pytest.mark.parametrize("applied, heartbeat", [(True, 5000), (False, 0), (True, 4294967295), (False, 1)])
@pytest.mark.integration
def test_report_reply_decodes_what_protobuf_encodes(reporter_pb2, applied, heartbeat):
    data = reporter_pb2.ReportReply(applied=applied, heartbeat_interval_ms=heartbeat).SerializeToString()
    assert ReportReply.decode(data) == ReportReply(applied, heartbeat)


def test_decoder_reads_past_fields_it_does_not_know():
    # Field 9 (string "future") and field 10 (fixed32), then heartbeat_interval_ms = 300.
    data = b"\x4a\x06future" + b"\x55\x01\x02\x03\x04" + b"\x10\xac\x02" + b"\x08\x01"
    assert ReportReply.decode(data) == ReportReply(True, 300)


@pytest.mark.parametrize("data, problem", [
    (b"\x10", "truncated varint"),
    (b"\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", "varint"),
    (b"\x4a\x05abc", "truncated field"),
    (b"\x00\x01", "field number 0"),
    (b"\x0b", "wire type 3"),
    (b"\x0a\x00", "expected a varint"),
])
def test_decoder_refuses_malformed_replies_with_a_clear_error(data, problem):
    with pytest.raises(DecodeError, match=problem):
        ReportReply.decode(data)


def test_encoder_refuses_a_frame_number_outside_int32():
    with pytest.raises(ValueError, match="int32"):
        ReportRequest(current_frame=2**31).encode()


@pytest.mark.parametrize("value, expected", [(1.5, 1.5), (0.0, 0.0), (-1.0, 0.0), (math.nan, 0.0), (math.inf, 0.0)])
def test_seconds_the_server_would_refuse_become_zero(value, expected):
    assert finite_seconds(value) == expected


@pytest.mark.parametrize("value, expected", [(2580.1729449071795, 2580.173), (36.28344525410023, 36.283), (0.0004, 0.0),
                                             (1e9 + 0.0015, 1e9 + 0.002)])
def test_seconds_go_to_the_millisecond_as_the_double_nearest_that_decimal(value, expected):
    carried = finite_seconds(value)
    assert carried == expected
    # What the server's fast text path needs: exactly the double of a whole number of thousandths.
    assert round(carried * 1000) / 1000 == carried


# --- The field tables against the .proto's descriptor: a field the add-on does not carry fails here by name.

KINDS = {9: "string", 4: "uint64", 13: "uint32", 14: "enum", 5: "int32", 1: "double"}  # FieldDescriptor.TYPE_*
LABEL_REPEATED = 3  # FieldDescriptor.LABEL_REPEATED


def descriptor_fields(message_descriptor):
    optional = proto3_optional_names(message_descriptor)
    return {field.name: (field.number, KINDS.get(field.type, f"type {field.type}"), field.name in optional,
                         field.label == LABEL_REPEATED)
            for field in message_descriptor.fields}


def proto3_optional_names(message_descriptor):
    # proto3 `optional` fields sit in a synthetic oneof named "_<field>".
    return {oneof.name[1:] for oneof in message_descriptor.oneofs if oneof.name.startswith("_")}


def table_fields(table):
    return {field.name: (field.number, field.kind, field.optional, field.repeated) for field in table}


@pytest.mark.parametrize("message, table", [
    ("ReportRequest", "REPORT_FIELDS"),
    ("SignOffRequest", "SIGN_OFF_FIELDS"),
])
@pytest.mark.integration
def test_every_proto_field_is_in_the_add_ons_table_with_its_number_type_and_presence(reporter_pb2, message, table):
    expected = descriptor_fields(getattr(reporter_pb2, message).DESCRIPTOR)
    ours = table_fields(getattr(messages, table))
    missing = sorted(set(expected) - set(ours))
    assert not missing, f"{message}: the add-on does not encode {', '.join(missing)}"
    extra = sorted(set(ours) - set(expected))
    assert not extra, f"{message}: the add-on encodes {', '.join(extra)}, which the .proto lacks"
    for name, declared in expected.items():
        assert ours[name] == declared, f"{message}.{name}: the .proto says {declared}, the add-on {ours[name]}"
    # The table is in field-number order, as protobuf writes.
    assert [f.number for f in getattr(messages, table)] == sorted(f.number for f in getattr(messages, table))


@pytest.mark.parametrize("message, dataclass_name", [
    ("ReportRequest", "ReportRequest"),
    ("SignOffRequest", "SignOffRequest"),
])
@pytest.mark.integration
def test_every_proto_field_is_a_field_of_the_add_ons_message(reporter_pb2, message, dataclass_name):
    ours = {f.name for f in dataclasses.fields(getattr(messages, dataclass_name))}
    missing = sorted(set(descriptor_fields(getattr(reporter_pb2, message).DESCRIPTOR)) - ours)
    assert not missing, f"{message}: the add-on's message has no {', '.join(missing)}"


@pytest.mark.integration
def test_the_guard_names_a_field_the_add_on_lacks(reporter_pb2):
    expected = descriptor_fields(reporter_pb2.ReportRequest.DESCRIPTOR)
    shortened = table_fields(f for f in messages.REPORT_FIELDS if f.name != "device")
    assert sorted(set(expected) - set(shortened)) == ["device"]


def test_every_value_the_reporter_passes_on_by_name_is_a_report_field():
    for record in (Identity, SceneInfo):
        unknown = sorted({f.name for f in dataclasses.fields(record)} - {f.name for f in messages.REPORT_FIELDS})
        assert not unknown, f"{record.__name__}: {', '.join(unknown)} is not a field of ReportRequest"


def test_the_frame_time_bucket_bounds_are_the_ones_the_proto_states():
    from conftest import PROTOS
    from renderfarm_reporter.core.frame_times import BOUNDS
    line = next(line for line in (PROTOS / "renderfarm" / "v1" / "reporter.proto").read_text().splitlines()
                if "frame-seconds-bounds:" in line)
    assert tuple(int(b) for b in line.split(":", 1)[1].split()) == BOUNDS
