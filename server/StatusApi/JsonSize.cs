using System.Buffers;
using System.Text.Json;

namespace RenderFarm.Server.StatusApi;

/// <summary>Measures values as the JSON API writes them, with its own options, into one reused buffer.</summary>
public sealed class JsonSize(JsonSerializerOptions options) : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    // A writer of its own escapes as its options say, not as the serializer's do: the API's encoder, given here,
    // writes text as UTF-8 where the default would escape every character beyond ASCII to six bytes.
    private readonly Utf8JsonWriter _writer = new(Stream.Null, new JsonWriterOptions
    {
        Encoder = options.Encoder,
        Indented = options.WriteIndented,
        SkipValidation = true,
    });

    /// <summary>The bytes of <paramref name="value"/> as an element of a JSON array, its separating comma included.</summary>
    public int Of<T>(T value)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        JsonSerializer.Serialize(_writer, value, options);
        _writer.Flush();
        return _buffer.WrittenCount + 1;
    }

    /// <summary>The bytes of <paramref name="value"/> written whole, as a reply's body.</summary>
    public int Whole<T>(T value) => Of(value) - 1;

    public void Dispose() => _writer.Dispose();
}
