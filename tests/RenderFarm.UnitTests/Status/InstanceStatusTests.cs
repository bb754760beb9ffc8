using RenderFarm.Server.Queries;

namespace RenderFarm.UnitTests.Status;

public class InstanceStatusTests
{
    [Theory]
    [InlineData(1, 250, 1, 0.0)]
    [InlineData(1, 250, 42, 0.164)]
    [InlineData(1, 250, 250, 0.996)]
    [InlineData(101, 200, 151, 0.5)]
    [InlineData(1, 1, 1, 0.0)]
    [InlineData(10, 20, 5, 0.0)]
    [InlineData(10, 20, 99, 1.0)]
    public void Progress_is_the_share_of_the_range_before_the_current_frame(int start, int end, int frame, double expected)
    {
        Assert.Equal(expected, JobStatus.ProgressOf(start, end, frame), precision: 4);
    }

    [Fact]
    public void Extreme_frame_numbers_do_not_overflow()
    {
        Assert.Equal(0.5, JobStatus.ProgressOf(int.MinValue, int.MaxValue, 0), precision: 4);
    }

    [Fact]
    public void Rendering_instance_with_a_job_has_progress()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid() with { Rendering = true, CurrentFrame = 51, JobFrameStart = 1, JobFrameEnd = 100 });

        var status = InstanceView.From(registry.Find("node01", "0")!.Value, time);

        Assert.Equal(InstanceState.Rendering, status.State);
        Assert.Equal(new JobStatus(1, 100, 0.5), status.Job);
    }

    [Fact]
    public void Idle_instance_keeps_its_last_job_range_without_progress()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid() with { CurrentFrame = 100, JobFrameStart = 1, JobFrameEnd = 100 });

        var status = InstanceView.From(registry.Find("node01", "0")!.Value, time);

        Assert.Equal(InstanceState.Idle, status.State);
        Assert.Equal(new JobStatus(1, 100, null), status.Job);
    }

    [Fact]
    public void Instance_without_a_job_has_none()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid() with { BlendFile = "/shots/a.blend", Scene = "Main", FramesRendered = 7 });

        var status = InstanceView.From(registry.Find("node01", "0")!.Value, time);

        Assert.Null(status.Job);
        Assert.Equal(("/shots/a.blend", "Main", 7ul, "3.4.1", "CYCLES"),
            (status.File, status.Scene, status.FramesRendered, status.BlenderVersion, status.Engine));
    }
}
