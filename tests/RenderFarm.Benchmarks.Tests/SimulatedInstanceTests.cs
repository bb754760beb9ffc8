using System.Globalization;
using RenderFarm.LoadGenerator;

namespace RenderFarm.Benchmarks.Tests;

public class SimulatedInstanceTests
{
    [Fact]
    public void The_simulated_frame_time_buckets_are_the_ones_the_proto_states()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "RenderFarm.sln")))
        {
            root = root.Parent;
        }

        var proto = File.ReadAllLines(Path.Combine(root!.FullName, "protos", "renderfarm", "v1", "reporter.proto"));
        var line = proto.Single(l => l.Contains("frame-seconds-bounds:", StringComparison.Ordinal));
        var stated = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(b => double.Parse(b, CultureInfo.InvariantCulture));
        Assert.Equal(stated, SimulatedInstance.FrameSecondsBounds);
    }

    [Fact]
    public void A_pushed_state_carries_the_instances_own_histogram_cumulative()
    {
        var instance = new SimulatedInstance("node", "0");
        instance.FinishFrame(0.5, 1);
        var lines = PushgatewayTarget.Body(instance).Split('\n');

        Assert.Contains("blender_frame_render_seconds_bucket{le=\"1\"} 1", lines);
        Assert.Contains("blender_frame_render_seconds_bucket{le=\"60\"} 13", lines);
        Assert.Contains("blender_frame_render_seconds_count 13", lines);
        Assert.Contains(lines, l => l.StartsWith("blender_instance_info{", StringComparison.Ordinal) && l.Contains("device=\"OPTIX\"", StringComparison.Ordinal));
    }
}
