using System.Diagnostics;
using System.Text;

namespace RenderFarm.Benchmarks;

/// <summary>
/// GET /metrics the way Prometheus does (one connection, uncompressed here for both sides),
/// timed from sending the request to reading the last byte.
/// </summary>
public sealed class ScrapeClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromMinutes(2),
    };

    private readonly byte[] _buffer = new byte[64 * 1024];

    /// <summary>What Prometheus 3.5 sends by default (Prometheus 2.42 asks the same in the same order).</summary>
    public const string PrometheusAccept = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    /// <summary>
    /// One scrape, read and dropped: its duration and its size on the wire. <paramref name="asPrometheus"/> asks as
    /// Prometheus does by default (OpenMetrics preferred, gzip), and the body is counted compressed, as it travels;
    /// otherwise the classic text, uncompressed.
    /// </summary>
    public async Task<(TimeSpan Elapsed, long Bytes)> TimeAsync(CancellationToken cancellationToken, bool asPrometheus = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (asPrometheus)
        {
            request.Headers.TryAddWithoutValidation("Accept", PrometheusAccept);
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        }

        var start = Stopwatch.GetTimestamp();
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        if (asPrometheus && !response.Content.Headers.ContentEncoding.Contains("gzip"))
        {
            throw new InvalidOperationException($"{_http.BaseAddress} answered a scrape that accepts gzip uncompressed");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        long bytes = 0;
        int read;
        while ((read = await body.ReadAsync(_buffer, cancellationToken)) > 0)
        {
            bytes += read;
        }

        return (Stopwatch.GetElapsedTime(start), bytes);
    }

    public async Task<string> TextAsync(CancellationToken cancellationToken) =>
        await _http.GetStringAsync("/metrics", cancellationToken);

    /// <summary>
    /// One scrape read line by line as it arrives; <paramref name="onLine"/> sees every line
    /// with the Stopwatch timestamp at which it was read. Returns when the body has ended.
    /// </summary>
    public async Task StreamAsync(Action<string, long> onLine, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("/metrics", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            onLine(line, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>
    /// One scrape searched for one whole line as its bytes arrive, without making a string of
    /// every line: the client's own garbage would otherwise show up in what is measured.
    /// Returns the Stopwatch timestamp at which the line was read, or null; reads the body to its end.
    /// </summary>
    public async Task<long?> FindLineAsync(string line, CancellationToken cancellationToken) =>
        (await FindLineTimedAsync(line, cancellationToken)).Seen;

    /// <summary>As <see cref="FindLineAsync"/>, with the Stopwatch timestamp at which the response's headers arrived.</summary>
    public async Task<(long Headers, long? Seen)> FindLineTimedAsync(string line, CancellationToken cancellationToken)
    {
        var wanted = Encoding.UTF8.GetBytes("\n" + line + "\n");
        using var response = await _http.GetAsync("/metrics", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var headers = Stopwatch.GetTimestamp();
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        long? seen = null;

        // The text is kept from one read to the next by as much as a match could straddle.
        var kept = 0;
        int read;
        while ((read = await body.ReadAsync(_buffer.AsMemory(kept), cancellationToken)) > 0)
        {
            var filled = kept + read;
            if (seen is null && _buffer.AsSpan(0, filled).IndexOf(wanted) >= 0)
            {
                seen = Stopwatch.GetTimestamp();
            }

            kept = Math.Min(wanted.Length - 1, filled);
            _buffer.AsSpan(filled - kept, kept).CopyTo(_buffer);
        }

        return (headers, seen);
    }

    public void Dispose() => _http.Dispose();
}
