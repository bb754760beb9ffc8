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

    [Theory]
    // 10 frames left at a 60 s mean, the current one 20 s in: 9 × 60 plus its rest.
    [InlineData(null, null, 600.0)]
    [InlineData(20.0, null, 580.0)] // no samples told (3.x): the mean less what it took
    [InlineData(90.0, null, 540.0)] // longer than the mean already: its rest unknown, never below the other frames
    [InlineData(20.0, 0.25, 600.0)] // a quarter done in 20 s: 60 s more, at its own pace
    [InlineData(20.0, 1.0, 540.0)]
    public void The_eta_takes_off_the_part_of_the_current_frame_already_done(double? elapsed, double? progress, double expected)
    {
        Assert.Equal(expected, JobStatus.EtaOf(10, 1, FrameTimes.Cumulative([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]), 60, elapsed, progress));
    }

    [Fact]
    public void The_frame_under_way_is_told_from_the_reports_ages_and_samples_by_the_servers_clock()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid() with
        {
            Rendering = true, FrameElapsedSeconds = 30, ProgressAgeSeconds = 2.5, FrameSamplesDone = 16, FrameSamplesTotal = 64,
        });
        var now = time.GetUtcNow();

        var frame = InstanceView.From(registry.Find("node01", "0")!.Value, time).Frame;

        Assert.Equal(new FrameStatus(now.AddSeconds(-30), now.AddSeconds(-2.5), 16, 64, 0.25), frame);
        registry.Apply(Reports.Valid(sequence: 2) with { Rendering = true });
        Assert.Null(InstanceView.From(registry.Find("node01", "0")!.Value, time).Frame); // between frames
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
