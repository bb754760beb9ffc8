using System.IO.Compression;
using System.IO.Pipelines;
using Prometheus;
using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Exposition;

/// <summary>
/// GET /metrics: the farm's metrics, then the server's own process metrics from prometheus-net; in the format the
/// scraper asks for (see <see cref="ScrapeNegotiation"/>), gzip-compressed when it accepts that.
/// </summary>
public static class MetricsEndpoint
{
    private static int _defaultsConfigured;

    /// <summary>
    /// Keeps prometheus-net's default registry to process and GC metrics: its event-counter
    /// and meter adapters would add hundreds of series per scrape that nobody asked for.
    /// </summary>
    public static void UseLeanProcessMetrics()
    {
        if (Interlocked.Exchange(ref _defaultsConfigured, 1) == 0)
        {
            Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
            {
                SuppressEventCounters = true,
                SuppressMeters = true,
                SuppressDebugMetrics = true,
            });
        }
    }

    public static async Task WriteAsync(HttpContext context, InstanceRegistry registry)
    {
        var request = context.Request;
        var response = context.Response;
        var (choice, error) = ScrapeNegotiation.Choose(
            request.Query.TryGetValue(ScrapeNegotiation.FormatParameter, out var format) ? format.ToString() : null,
            request.Headers.Accept.ToString(), request.Headers.AcceptEncoding.ToString());
        response.Headers.Vary = "Accept, Accept-Encoding";
        if (error is not null)
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(error + "\n", context.RequestAborted);
            return;
        }

        ScrapeCounts.Count(choice);
        response.ContentType = choice.ContentType;
        response.Headers.CacheControl = "no-store";
        if (!choice.Gzip)
        {
            await WriteBodyAsync(response.BodyWriter, response.Body, registry, choice.Format, context.RequestAborted);
            return;
        }

        response.Headers.ContentEncoding = "gzip";
        // The text is made on one thread and compressed on another as it comes: at farm scale compressing costs
        // about as much as writing the text, and a scrape takes the longer of the two rather than their sum.
        var text = new Pipe(TextPipe);
        var compressing = Task.Run(() => CompressAsync(text.Reader, response.Body, context.RequestAborted));
        try
        {
            await WriteBodyAsync(text.Writer, text.Writer.AsStream(leaveOpen: true), registry, choice.Format, context.RequestAborted);
            await text.Writer.CompleteAsync();
        }
        catch (Exception e)
        {
            await text.Writer.CompleteAsync(e);
            throw;
        }
        finally
        {
            await compressing;
        }
    }

    /// <summary>At most 1 MiB of text waits for the compressor: the writer pauses beyond that, so a slow scraper holds no more.</summary>
    private static readonly PipeOptions TextPipe = new(pauseWriterThreshold: 1024 * 1024, resumeWriterThreshold: 512 * 1024,
        minimumSegmentSize: 64 * 1024, useSynchronizationContext: false);

    private static async Task CompressAsync(PipeReader text, Stream body, CancellationToken cancellationToken)
    {
        try
        {
            // The fastest level: a scrape's text is repetitive enough that it still shrinks about tenfold.
            await using var gzip = new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true);
            while (true)
            {
                var read = await text.ReadAsync(cancellationToken);
                foreach (var segment in read.Buffer)
                {
                    await gzip.WriteAsync(segment, cancellationToken);
                }

                text.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            await text.CompleteAsync();
        }
        catch (Exception e)
        {
            // The writer sees the failure at its next write and stops.
            await text.CompleteAsync(e);
        }
    }

    private static async Task WriteBodyAsync(PipeWriter writer, Stream body, InstanceRegistry registry, ScrapeFormat format,
        CancellationToken cancellationToken)
    {
        await FarmExposition.WriteAsync(writer, registry, cancellationToken, format);
        // prometheus-net ends an OpenMetrics body with its # EOF.
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(body,
            format == ScrapeFormat.OpenMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText, cancellationToken);
    }
}
