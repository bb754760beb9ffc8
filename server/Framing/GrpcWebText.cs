using System.Buffers;
using System.Buffers.Text;

namespace RenderFarm.Server.Framing;

/// <summary>
/// The body of an <c>application/grpc-web-text</c> request: base64, possibly several padded
/// pieces one after another (each message on its own), never anything else.
/// </summary>
public static class GrpcWebText
{
    /// <summary>The decoded bytes, or null when <paramref name="text"/> is not such base64.</summary>
    public static byte[]? Decode(ReadOnlySpan<byte> text)
    {
        if (text.Length % 4 != 0)
        {
            return null;
        }

        var decoded = new byte[text.Length / 4 * 3];
        var written = 0;
        for (var start = 0; start < text.Length;)
        {
            // A piece ends with the quad that holds its padding.
            var padding = text[start..].IndexOf((byte)'=');
            var end = padding < 0 ? text.Length : start + ((padding / 4) + 1) * 4;
            if (Base64.DecodeFromUtf8(text[start..end], decoded.AsSpan(written), out _, out var count) != OperationStatus.Done)
            {
                return null;
            }

            written += count;
            start = end;
        }

        return decoded[..written];
    }
}
