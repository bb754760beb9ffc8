using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace RenderFarm.LoadGenerator;

/// <summary>
/// What a farm would do with Prometheus Pushgateway instead: every instance PUTs its whole
/// state to its own group <c>/metrics/job/blender/host/H/instance/I</c>, and deletes the
/// group on a clean exit. The same metric families as the RenderFarm server exposes.
/// </summary>
public sealed class PushgatewayTarget : IReportTarget
{
    private static readonly MediaTypeHeaderValue TextFormat = MediaTypeHeaderValue.Parse("text/plain; version=0.0.4");

    private readonly HttpClient _http;

    public PushgatewayTarget(Uri address)
    {
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(60),
        };
        Description = $"Pushgateway at {address}";
    }

    public string Description { get; }

    public async Task<TimeSpan?> ReportAsync(SimulatedInstance instance, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body(instance)));
        content.Headers.ContentType = TextFormat;
        using var response = await _http.PutAsync(GroupPath(instance), content, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return null;
    }

    public async Task SignOffAsync(SimulatedInstance instance, CancellationToken cancellationToken)
    {
        using var response = await _http.DeleteAsync(GroupPath(instance), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    public static string GroupPath(SimulatedInstance instance) =>
        $"/metrics/job/blender/host/{Uri.EscapeDataString(instance.Host)}/instance/{Uri.EscapeDataString(instance.Instance)}";

    /// <summary>The instance's state in the text exposition format; the group supplies host and instance.</summary>
    public static string Body(SimulatedInstance instance)
    {
        instance.NextReport(); // Keeps the sequence moving as the gRPC path does.
        var text = new StringBuilder(1024);
        Gauge(text, "Blender_Render", instance.Rendering ? 1 : 0);
        text.Append("# TYPE blender_instance_info gauge\n")
            .Append("blender_instance_info{blender_version=\"").Append(SimulatedInstance.BlenderVersion)
            .Append("\",addon_version=\"").Append(SimulatedInstance.AddonVersion)
            .Append("\",engine=\"").Append(instance.Engine)
            .Append("\",device=\"").Append(instance.Device)
            .Append("\",render_job=\"").Append(instance.Job).Append("\"} 1\n");
        Gauge(text, "blender_current_frame", instance.CurrentFrame);
        if (instance.JobFrameStart is { } start && instance.JobFrameEnd is { } end)
        {
            Gauge(text, "blender_job_frame_start", start);
            Gauge(text, "blender_job_frame_end", end);
        }

        Gauge(text, "blender_scene_samples", instance.Samples);
        Counter(text, "blender_frames_rendered_total", instance.FramesRendered);
        Counter(text, "blender_render_seconds_total", SimulatedInstance.Milliseconds(instance.RenderSeconds));
        if (instance.LastFrameSeconds is { } last)
        {
            Gauge(text, "blender_last_frame_seconds", SimulatedInstance.Milliseconds(last));
        }

        // A process pushing its own state has only its own frames: the histogram is per instance here, where the
        // RenderFarm server keeps one per host.
        FrameSeconds(text, instance.FrameSecondsCounts, SimulatedInstance.Milliseconds(instance.FrameSecondsSum));
        if (instance.FramePeakMemoryBytes is { } peak)
        {
            Gauge(text, "blender_frame_peak_memory_bytes", peak);
        }

        text.Append("# TYPE blender_renders_total counter\n")
            .Append("blender_renders_total{outcome=\"completed\"} ").Append(instance.RendersCompleted).Append('\n')
            .Append("blender_renders_total{outcome=\"cancelled\"} 0\n")
            .Append("blender_renders_total{outcome=\"failed\"} 0\n");
        if (instance.Rendering)
        {
            var (elapsed, done, total) = instance.FrameUnderWay();
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            Gauge(text, "blender_frame_started_timestamp_seconds", SimulatedInstance.Milliseconds(now - elapsed));
            Gauge(text, "blender_render_progress_timestamp_seconds", SimulatedInstance.Milliseconds(now - 0.5));
            Gauge(text, "blender_frame_progress", Math.Round((double)done / total, 3));
        }

        Counter(text, "blender_process_cpu_seconds_total", SimulatedInstance.Milliseconds(instance.ProcessCpuSeconds));
        Gauge(text, "blender_process_resident_memory_bytes", instance.ResidentMemoryBytes);
        Gauge(text, "blender_instance_last_seen_timestamp_seconds", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        return text.ToString();
    }

    private static void FrameSeconds(StringBuilder text, ulong[] counts, double sum)
    {
        if (counts.Length == 0)
        {
            return;
        }

        text.Append("# TYPE blender_frame_render_seconds histogram\n");
        ulong total = 0;
        for (var b = 0; b < counts.Length; b++)
        {
            total += counts[b];
            var le = b < SimulatedInstance.FrameSecondsBounds.Length
                ? SimulatedInstance.FrameSecondsBounds[b].ToString("R", CultureInfo.InvariantCulture)
                : "+Inf";
            text.Append("blender_frame_render_seconds_bucket{le=\"").Append(le).Append("\"} ").Append(total).Append('\n');
        }

        text.Append("blender_frame_render_seconds_sum ").Append(sum.ToString("R", CultureInfo.InvariantCulture)).Append('\n')
            .Append("blender_frame_render_seconds_count ").Append(total).Append('\n');
    }

    private static void Gauge(StringBuilder text, string name, double value) => Sample(text, name, "gauge", value);

    private static void Counter(StringBuilder text, string name, double value) => Sample(text, name, "counter", value);

    private static void Sample(StringBuilder text, string name, string type, double value) =>
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n')
            .Append(name).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var reason = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException(
                $"Pushgateway answered {(int)response.StatusCode}: {reason.Trim()}", null, response.StatusCode);
        }
    }
}
