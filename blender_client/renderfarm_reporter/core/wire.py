"""The protobuf wire format, as far as RenderFarm's messages need it."""

import struct

WIRE_VARINT = 0
WIRE_FIXED64 = 1
WIRE_LENGTH_DELIMITED = 2
WIRE_FIXED32 = 5

_UINT64_MAX = (1 << 64) - 1


class DecodeError(ValueError):
    """Bytes that are not a valid protobuf message."""


def varint(value):
    if value < 0 or value > _UINT64_MAX:
        raise ValueError(f"{value} does not fit a 64-bit varint")
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _key(number, wire_type):
    return varint(number << 3 | wire_type)


def uint_field(number, value, present=None):
    """uint32, uint64, bool and enum fields. ``present`` forces an optional field out even when 0."""
    if not (present if present is not None else value):
        return b""
    return _key(number, WIRE_VARINT) + varint(value)


def int32_field(number, value, present=None):
    if not (present if present is not None else value):
        return b""
    if not -(1 << 31) <= value < (1 << 31):
        raise ValueError(f"field {number}: {value} does not fit an int32")
    # Negative int32 values are sign-extended to 64 bits on the wire (10 bytes).
    return _key(number, WIRE_VARINT) + varint(value & _UINT64_MAX)


def double_field(number, value, present=None):
    packed = struct.pack("<d", value) if value is not None else b""
    # proto3 leaves out a double whose bits are all zero (0.0), not -0.0.
    if not (present if present is not None else packed != bytes(8)):
        return b""
    return _key(number, WIRE_FIXED64) + packed


def string_field(number, value):
    if not value:
        return b""
    data = value.encode("utf-8")
    return _key(number, WIRE_LENGTH_DELIMITED) + varint(len(data)) + data


def packed_uint_field(number, values):
    """A repeated uint64 field, packed (proto3's default): one length-delimited run of varints; absent when empty."""
    if not values:
        return b""
    data = b"".join(varint(value) for value in values)
    return _key(number, WIRE_LENGTH_DELIMITED) + varint(len(data)) + data


def read_varint(data, position):
    result = shift = 0
    while True:
        if position >= len(data):
            raise DecodeError("truncated varint")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if result > _UINT64_MAX:
                raise DecodeError("varint longer than 64 bits")
            return result, position
        shift += 7
        if shift >= 70:
            raise DecodeError("varint longer than 10 bytes")


def fields(data):
    """Yields (field number, wire type, value) for each field; unknown fields are read past."""
    data = memoryview(data).tobytes() if not isinstance(data, bytes) else data
    position = 0
    while position < len(data):
        key, position = read_varint(data, position)
        number, wire_type = key >> 3, key & 7
        if number == 0:
            raise DecodeError("field number 0")
        if wire_type == WIRE_VARINT:
            value, position = read_varint(data, position)
        elif wire_type == WIRE_FIXED64:
            value, position = _take(data, position, 8), position + 8
        elif wire_type == WIRE_LENGTH_DELIMITED:
            length, position = read_varint(data, position)
            value, position = _take(data, position, length), position + length
        elif wire_type == WIRE_FIXED32:
            value, position = _take(data, position, 4), position + 4
        else:
            raise DecodeError(f"field {number}: unsupported wire type {wire_type}")
        yield number, wire_type, value


def _take(data, position, length):
    if position + length > len(data):
        raise DecodeError("truncated field")
    return data[position:position + length]
