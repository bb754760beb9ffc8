using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Exposition;

/// <summary>Reads one sample's value off an entry, or null for no sample; by reference, as entries are large values.</summary>
internal delegate double? EntryValue(in InstanceEntry entry);

/// <summary>Reads one label's value off an entry.</summary>
internal delegate string EntryText(in InstanceEntry entry);

/// <summary>A label of a per-instance family beyond <c>host</c> and <c>instance</c>, and where its value comes from.</summary>
internal sealed record InstanceLabel(string Name, EntryText Value);

/// <summary>
/// One sample line per instance of a family: its name (the family's, or with a suffix such as <c>_bucket</c>), a
/// constant label of its own (such as <c>le="5"</c>, or empty), and how to read its value off an entry.
/// </summary>
internal sealed record InstanceSeries(byte[] Name, byte[] Label, EntryValue Value);

/// <summary>
/// One per-instance metric family, declared once: name, type and help (its header), the labels it
/// carries beyond <c>host</c> and <c>instance</c>, and how to read its value off an entry (its samples).
/// </summary>
internal sealed class InstanceMetric
{
    private InstanceMetric(MetricFamily family, EntryValue value, InstanceLabel[] labels)
        : this(family, [new InstanceSeries(family.Name, [], value)], labels)
    {
    }

    private InstanceMetric(MetricFamily family, InstanceSeries[] series, InstanceLabel[] labels)
    {
        Family = family;
        Series = series;
        Labels = labels;
    }

    public MetricFamily Family { get; }

    /// <summary>The family's sample lines per instance; a series' value null writes no line for that entry.</summary>
    public IReadOnlyList<InstanceSeries> Series { get; }

    /// <summary>Where this family's series start among all families' series (see <see cref="SeriesCount"/>).</summary>
    public int FirstSeries { get; private set; }

    /// <summary>Every family's series, counted: a scrape reads that many values per instance.</summary>
    public static int SeriesCount { get; private set; }

    /// <summary>Labels beyond <c>host</c> and <c>instance</c>, in the order they are written.</summary>
    public IReadOnlyList<InstanceLabel> Labels { get; }

    /// <summary>Which of an instance's label texts this family's samples carry: 0 is host and instance alone.</summary>
    public int LabelSet { get; private set; }

    /// <summary>
    /// The farm's headline gauge: 1 while rendering, else 0, for every instance. <see cref="FarmExposition"/> writes it
    /// first, straight off the registry's records without copying them. Its historic name is part of the product contract.
    /// </summary>
    public static MetricFamily RenderState { get; } =
        MetricFamily.Gauge("Blender_Render", "1 while the Blender instance is rendering, 0 when it is idle.");

    /// <summary>Every per-instance family after <see cref="RenderState"/>, in exposition order. The names are part of the product contract.</summary>
    public static IReadOnlyList<InstanceMetric> All { get; } = NumberLabelSets(
    [
        Info("blender_instance_info",
            "Blender and add-on version, render engine and device, .blend file and render job of the instance; always 1.",
            new("blender_version", (in InstanceEntry e) => e.Report.BlenderVersion),
            new("addon_version", (in InstanceEntry e) => e.Report.AddonVersion),
            new("engine", (in InstanceEntry e) => e.Report.Engine),
            new("device", (in InstanceEntry e) => e.Report.Device),
            new("file", (in InstanceEntry e) => e.Report.BlendFile),
            new("render_job", (in InstanceEntry e) => e.Report.RenderJob)),
        Gauge("blender_current_frame", "The scene's current frame.", (in InstanceEntry e) => e.Report.CurrentFrame),
        Gauge("blender_job_frame_start", "First frame of the instance's running (or last) render job.",
            (in InstanceEntry e) => e.Report.JobFrameStart),
        Gauge("blender_job_frame_end", "Last frame of the instance's running (or last) render job.",
            (in InstanceEntry e) => e.Report.JobFrameEnd),
        Gauge("blender_scene_samples", "Samples per pixel of the scene's render engine (Cycles, EEVEE).",
            (in InstanceEntry e) => e.Report.Samples),
        Gauge("blender_frame_started_timestamp_seconds", "Unix time the frame under way started; absent between frames.",
            (in InstanceEntry e) => UnixSeconds(e.FrameStartedAt)),
        Gauge("blender_render_progress_timestamp_seconds",
            "Unix time Blender last showed progress while rendering (the render's or a frame's start or end, a render_stats call, a busy process); absent when idle.",
            (in InstanceEntry e) => UnixSeconds(e.ProgressAt)),
        Gauge("blender_frame_progress", "Share of the frame under way that is done, 0 to 1, from its samples where Blender tells them.",
            (in InstanceEntry e) => e.Report.FrameProgress),
        Gauge("blender_render_stalled",
            "1 while the instance renders but its render is stalled (no progress for RenderFarm:StallAfter, or a frame far longer than its host's), 0 while it renders on; absent when idle.",
            (in InstanceEntry e) => e.Report.Rendering ? e.Stalled ? 1 : 0 : null),
        Counter("blender_frames_rendered_total", "Frames rendered by this Blender process.",
            (in InstanceEntry e) => e.Report.FramesRendered),
        Counter("blender_render_seconds_total", "Seconds spent rendering by this Blender process.",
            (in InstanceEntry e) => e.Report.RenderSeconds),
        Gauge("blender_last_frame_seconds", "Render time of the last finished frame, in seconds.",
            (in InstanceEntry e) => e.Report.LastFrameSeconds),
        Gauge("blender_frame_peak_memory_bytes", "Peak resident memory of the Blender process during its last finished frame.",
            (in InstanceEntry e) => e.Report.FramePeakMemoryBytes),
        new(MetricFamily.Counter("blender_renders_total", "Renders of this Blender process that ended, by how they ended."),
        [
            new("blender_renders_total"u8.ToArray(), LabelText.Encode(("outcome", "completed")), (in InstanceEntry e) => e.Report.RendersCompleted),
            new("blender_renders_total"u8.ToArray(), LabelText.Encode(("outcome", "cancelled")), (in InstanceEntry e) => e.Report.RendersCancelled),
            new("blender_renders_total"u8.ToArray(), LabelText.Encode(("outcome", "failed")), (in InstanceEntry e) => e.Report.RendersFailed),
        ], []),
        Counter("blender_process_cpu_seconds_total", "CPU time used by the Blender process, in seconds.",
            (in InstanceEntry e) => e.Report.ProcessCpuSeconds),
        Gauge("blender_process_resident_memory_bytes", "Resident memory of the Blender process, in bytes.",
            (in InstanceEntry e) => e.Report.ResidentMemoryBytes),
        Gauge("blender_instance_last_seen_timestamp_seconds", "Unix time of the instance's last applied report.",
            (in InstanceEntry e) => e.LastSeen.ToUnixTimeMilliseconds() / 1000.0),
    ]);

    /// <summary>The families with labels of their own, in label-set order: label set <c>k</c> belongs to <c>Labelled[k - 1]</c>.</summary>
    public static IReadOnlyList<InstanceMetric> Labelled { get; } = [.. All.Where(metric => metric.LabelSet > 0)];

    private static double? UnixSeconds(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds() / 1000.0;

    private static InstanceMetric Gauge(string name, string help, EntryValue value) =>
        new(MetricFamily.Gauge(name, help), value, []);

    private static InstanceMetric Counter(string name, string help, EntryValue value) =>
        new(MetricFamily.Counter(name, help), value, []);

    /// <summary>An info family: always 1, its information in its labels.</summary>
    private static InstanceMetric Info(string name, string help, params InstanceLabel[] labels) =>
        new(MetricFamily.Gauge(name, help), (in InstanceEntry _) => 1, labels);

    private static InstanceMetric[] NumberLabelSets(InstanceMetric[] metrics)
    {
        var (nextSet, nextSeries) = (1, 0);
        foreach (var metric in metrics)
        {
            metric.LabelSet = metric.Labels.Count > 0 ? nextSet++ : 0;
            metric.FirstSeries = nextSeries;
            nextSeries += metric.Series.Count;
        }

        SeriesCount = nextSeries;
        return metrics;
    }
}
