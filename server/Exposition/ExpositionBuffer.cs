using System.Buffers.Text;
using System.Globalization;
using System.IO.Pipelines;

namespace RenderFarm.Server.Exposition;

/// <summary>
/// Writes exposition text straight into the response's <see cref="PipeWriter"/> as UTF-8.
/// A sample line is composed in one go in the memory the writer lent, and that memory is
/// handed back only when it is full: a scrape of 100k instances writes about a million
/// lines, so per-line calls into the pipe would cost more than the text itself.
/// </summary>
internal sealed class ExpositionBuffer(PipeWriter writer, ScrapeFormat format = ScrapeFormat.Text)
{
    // The first bytes go out early so that a scrape starts flowing at once; later flushes
    // grow, because every flush waits for the socket to drain and a 100k-instance scrape
    // would otherwise spend most of its time in those waits.
    private const int FirstFlush = 16 * 1024;
    private const int LargestFlush = 1024 * 1024;

    // Longest text of one value: "-1.7976931348623157E+308" and the like.
    private const int MaxValueLength = 32;

    // What to ask the writer for when the lent memory runs out. Kestrel's own blocks are 4 KiB, and handing one back
    // and taking the next (under the pipe's lock, against the thread that sends) cost as much as the text written into
    // it; asked for more, the pipe lends a pooled array of that size instead.
    private const int MinimumLease = 64 * 1024;

    private Memory<byte> _lease = Memory<byte>.Empty;
    private int _used;
    private int _unflushed;
    private int _flushThreshold = FirstFlush;

    /// <summary>
    /// While false, every flush stays at the first, small size: for text that should reach the
    /// scraper line by line as it is made rather than in large pieces.
    /// </summary>
    public bool GrowFlushes { get; set; } = true;

    public ScrapeFormat Format => format;

    /// <summary>A family's header in the format being written.</summary>
    public void Header(MetricFamily family) => Write(family.Header(format));

    public void Write(ReadOnlySpan<byte> utf8)
    {
        var span = Reserve(utf8.Length);
        utf8.CopyTo(span);
        _used += utf8.Length;
    }

    /// <summary>One sample line: <c>name{labels} value</c>.</summary>
    public void Sample(ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels, double value)
    {
        var span = Reserve(name.Length + labels.Length + MaxValueLength + 4);
        var at = Start(span, name, labels);
        at += FormatValue(value, span[at..]);
        span[at++] = (byte)'\n';
        _used += at;
    }

    /// <summary>One sample line with one more label after <paramref name="labels"/>: <c>name{labels,label} value</c>.</summary>
    public void Sample(ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels, ReadOnlySpan<byte> label, double value)
    {
        if (label.IsEmpty)
        {
            Sample(name, labels, value);
            return;
        }

        var span = Reserve(name.Length + labels.Length + label.Length + MaxValueLength + 5);
        name.CopyTo(span);
        var at = name.Length;
        span[at++] = (byte)'{';
        labels.CopyTo(span[at..]);
        at += labels.Length;
        span[at++] = (byte)',';
        label.CopyTo(span[at..]);
        at += label.Length;
        span[at++] = (byte)'}';
        span[at++] = (byte)' ';
        at += FormatValue(value, span[at..]);
        span[at++] = (byte)'\n';
        _used += at;
    }

    public void Sample(ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels, long value)
    {
        var span = Reserve(name.Length + labels.Length + MaxValueLength + 4);
        var at = Start(span, name, labels);
        Utf8Formatter.TryFormat(value, span[at..], out var written);
        at += written;
        span[at++] = (byte)'\n';
        _used += at;
    }

    public ValueTask<FlushResult> FlushIfFullAsync(CancellationToken cancellationToken) =>
        _unflushed + _used >= _flushThreshold ? FlushAsync(cancellationToken) : ValueTask.FromResult(default(FlushResult));

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken)
    {
        Commit();
        _unflushed = 0;
        if (GrowFlushes)
        {
            _flushThreshold = Math.Min(_flushThreshold * 2, LargestFlush);
        }

        return writer.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// The same text as <c>value.ToString("R")</c>. Most values are whole numbers (frames,
    /// bytes, states), which integer formatting writes several times faster; "R" switches to
    /// exponent notation from 1E+15 on, so only smaller ones take that path.
    /// </summary>
    internal static int FormatValue(double value, Span<byte> destination)
    {
        int written;
        if (Math.Abs(value) < 1e15 && value == Math.Floor(value) && !(value == 0 && double.IsNegative(value)))
        {
            Utf8Formatter.TryFormat((long)value, destination, out written);
            return written;
        }

        if (WholeThousandths(value) is { } thousandths)
        {
            return FormatThousandths(thousandths, destination);
        }

        if (double.IsNaN(value))
        {
            return Copy("NaN"u8, destination);
        }

        if (double.IsInfinity(value))
        {
            return Copy(value > 0 ? "+Inf"u8 : "-Inf"u8, destination);
        }

        value.TryFormat(destination, out written, "R", CultureInfo.InvariantCulture);
        return written;
    }

    /// <summary>
    /// The value in thousandths when it is exactly the double nearest some decimal with at most three places (Unix
    /// times in milliseconds, CPU seconds in clock ticks): its shortest round-trip text is then that decimal, which
    /// integer formatting writes several times faster than "R". Null for any other value.
    /// </summary>
    private static long? WholeThousandths(double value)
    {
        // Negative zero and NaN are left to "R", as are magnitudes where thousandths would lose digits.
        if (!(Math.Abs(value) < 1e12) || value == 0)
        {
            return null;
        }

        var thousandths = Math.Round(value * 1000);
        return thousandths / 1000 == value ? (long)thousandths : null;
    }

    /// <summary>Whole part, point, and the thousandths without trailing zeros (never zero: whole values go the integer way).</summary>
    private static int FormatThousandths(long thousandths, Span<byte> destination)
    {
        var at = 0;
        if (thousandths < 0)
        {
            destination[at++] = (byte)'-';
            thousandths = -thousandths;
        }

        var (whole, fraction) = Math.DivRem(thousandths, 1000);
        Utf8Formatter.TryFormat(whole, destination[at..], out var written);
        at += written;
        destination[at++] = (byte)'.';
        destination[at++] = (byte)('0' + (fraction / 100));
        if (fraction % 100 != 0)
        {
            destination[at++] = (byte)('0' + (fraction / 10 % 10));
            if (fraction % 10 != 0)
            {
                destination[at++] = (byte)('0' + (fraction % 10));
            }
        }

        return at;
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }

    private static int Start(Span<byte> span, ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels)
    {
        name.CopyTo(span);
        var at = name.Length;
        if (!labels.IsEmpty)
        {
            span[at++] = (byte)'{';
            labels.CopyTo(span[at..]);
            at += labels.Length;
            span[at++] = (byte)'}';
        }

        span[at++] = (byte)' ';
        return at;
    }

    /// <summary>Free lent memory of at least <paramref name="bytes"/>, asking the writer for more when the current lease is full.</summary>
    private Span<byte> Reserve(int bytes)
    {
        if (_lease.Length - _used < bytes)
        {
            Commit();
            _lease = writer.GetMemory(Math.Max(bytes, MinimumLease));
        }

        return _lease.Span[_used..];
    }

    /// <summary>Hands what was written back to the writer; the lease ends.</summary>
    private void Commit()
    {
        if (_used > 0)
        {
            writer.Advance(_used);
            _unflushed += _used;
        }

        _used = 0;
        _lease = Memory<byte>.Empty;
    }
}
