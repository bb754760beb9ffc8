using System.Text;
using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Exposition;

/// <summary>Reads one sample's value off an entry, or null for no sample; by reference, as entries are large values.</summary>
internal delegate double? EntryValue(in InstanceEntry entry);

/// <summary>One per-instance metric family: its name, help, type and how to read it off an entry.</summary>
internal sealed class InstanceMetric
{
    private InstanceMetric(string name, string type, string help, EntryValue value, bool infoLabels)
    {
        Name = Encoding.UTF8.GetBytes(name);
        Header = MetricHeader.Encode(name, type, help);
        Value = value;
        UsesInfoLabels = infoLabels;
    }

    public byte[] Name { get; }

    public byte[] Header { get; }

    /// <summary>The sample's value, or null to write no sample for this entry.</summary>
    public EntryValue Value { get; }

    public bool UsesInfoLabels { get; }

    /// <summary>
    /// Every per-instance family after <c>Blender_Render</c> (which <see cref="FarmExposition"/> writes
    /// first, straight off the slots), in exposition order. The names are part of the product contract.
    /// </summary>
    public static IReadOnlyList<InstanceMetric> All { get; } =
    [
        new("blender_instance_info", "gauge", "Blender and add-on version, render engine and .blend file of the instance; always 1.",
            (in InstanceEntry _) => 1, infoLabels: true),
        Gauge("blender_current_frame", "The scene's current frame.", (in InstanceEntry e) => e.Report.CurrentFrame),
        Counter("blender_frames_rendered_total", "Frames rendered by this Blender process.",
            (in InstanceEntry e) => e.Report.FramesRendered),
        Counter("blender_render_seconds_total", "Seconds spent rendering by this Blender process.",
            (in InstanceEntry e) => e.Report.RenderSeconds),
        Gauge("blender_last_frame_seconds", "Render time of the last finished frame, in seconds.",
            (in InstanceEntry e) => e.Report.LastFrameSeconds),
        Counter("blender_process_cpu_seconds_total", "CPU time used by the Blender process, in seconds.",
            (in InstanceEntry e) => e.Report.ProcessCpuSeconds),
        Gauge("blender_process_resident_memory_bytes", "Resident memory of the Blender process, in bytes.",
            (in InstanceEntry e) => e.Report.ResidentMemoryBytes),
        Gauge("blender_instance_last_seen_timestamp_seconds", "Unix time of the instance's last applied report.",
            (in InstanceEntry e) => e.LastSeen.ToUnixTimeMilliseconds() / 1000.0),
    ];

    private static InstanceMetric Gauge(string name, string help, EntryValue value) =>
        new(name, "gauge", help, value, infoLabels: false);

    private static InstanceMetric Counter(string name, string help, EntryValue value) =>
        new(name, "counter", help, value, infoLabels: false);
}
