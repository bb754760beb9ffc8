using System.Buffers;
using Grpc.Core;

namespace RenderFarm.Server.Framing;

/// <summary>
/// Judges a gRPC request body by its framing alone: every call we serve takes exactly one
/// message, each framed by a compressed flag and a 4-byte big-endian length.
/// </summary>
public static class GrpcFrames
{
    public const int HeaderSize = 5;

    /// <summary>
    /// The verdict on <paramref name="body"/>: null while more bytes may make it whole, OK when it
    /// is one well-framed uncompressed message of at most <paramref name="maxMessageSize"/> bytes,
    /// else the error status to answer with.
    /// </summary>
    /// <param name="complete">True when the body has ended.</param>
    public static Status? Judge(in ReadOnlySequence<byte> body, bool complete, int maxMessageSize)
    {
        var reader = new SequenceReader<byte>(body);
        if (reader.Remaining < HeaderSize)
        {
            return !complete ? null
                : reader.Remaining == 0 ? Invalid("request body: empty, expected one message")
                : Invalid($"request body: {reader.Remaining} byte(s), too short for a message header");
        }

        reader.TryRead(out var flag);
        reader.TryReadBigEndian(out int signedLength);
        var length = (uint)signedLength;
        if (flag > 1)
        {
            return Invalid($"request message: compressed flag 0x{flag:X2}, only 0 and 1 exist");
        }

        if (length > maxMessageSize)
        {
            return new Status(StatusCode.ResourceExhausted,
                $"request message: {length} bytes, more than the limit of {maxMessageSize}");
        }

        if (flag == 1)
        {
            // Decompression would undo the size limit (64 KiB of gzip can hold 64 MiB); reports are small.
            return new Status(StatusCode.Unimplemented, "request message: compressed, but this server takes uncompressed messages only");
        }

        if (reader.Remaining < length)
        {
            return complete ? Invalid($"request body: ends inside the message ({reader.Remaining} of {length} bytes)") : null;
        }

        reader.Advance(length);
        if (reader.Remaining > 0)
        {
            return Invalid("request body: data after the message, expected exactly one");
        }

        return complete ? Status.DefaultSuccess : null;
    }

    private static Status Invalid(string detail) => new(StatusCode.InvalidArgument, detail);
}
