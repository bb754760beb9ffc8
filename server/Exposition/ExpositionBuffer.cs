using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.IO.Pipelines;

namespace RenderFarm.Server.Exposition;

/// <summary>
/// Writes exposition text straight into the response's <see cref="PipeWriter"/> as UTF-8,
/// without building strings per sample, flushing every few tens of kilobytes.
/// </summary>
internal sealed class ExpositionBuffer(PipeWriter writer)
{
    private const int FlushThreshold = 64 * 1024;

    private int _unflushed;

    public void Write(ReadOnlySpan<byte> utf8)
    {
        writer.Write(utf8);
        _unflushed += utf8.Length;
    }

    public void Write(long value)
    {
        var span = writer.GetSpan(24);
        Utf8Formatter.TryFormat(value, span, out var written);
        Advance(written);
    }

    public void Write(ulong value)
    {
        var span = writer.GetSpan(24);
        Utf8Formatter.TryFormat(value, span, out var written);
        Advance(written);
    }

    public void Write(double value)
    {
        if (double.IsNaN(value))
        {
            Write("NaN"u8);
        }
        else if (double.IsPositiveInfinity(value))
        {
            Write("+Inf"u8);
        }
        else if (double.IsNegativeInfinity(value))
        {
            Write("-Inf"u8);
        }
        else
        {
            var span = writer.GetSpan(32);
            value.TryFormat(span, out var written, "R", CultureInfo.InvariantCulture);
            Advance(written);
        }
    }

    /// <summary>One sample line: <c>name{labels} value</c>.</summary>
    public void Sample(ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels, double value)
    {
        SampleStart(name, labels);
        Write(value);
        Write("\n"u8);
    }

    public void Sample(ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels, ulong value)
    {
        SampleStart(name, labels);
        Write(value);
        Write("\n"u8);
    }

    public void Sample(ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels, long value)
    {
        SampleStart(name, labels);
        Write(value);
        Write("\n"u8);
    }

    public ValueTask<FlushResult> FlushIfFullAsync(CancellationToken cancellationToken) =>
        _unflushed >= FlushThreshold ? FlushAsync(cancellationToken) : ValueTask.FromResult(default(FlushResult));

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken)
    {
        _unflushed = 0;
        return writer.FlushAsync(cancellationToken);
    }

    private void SampleStart(ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels)
    {
        Write(name);
        if (!labels.IsEmpty)
        {
            Write("{"u8);
            Write(labels);
            Write("}"u8);
        }

        Write(" "u8);
    }

    private void Advance(int count)
    {
        writer.Advance(count);
        _unflushed += count;
    }
}
