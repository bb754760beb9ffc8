namespace RenderFarm.UnitTests;

public class ReportRulesTests
{
    [Theory]
    [InlineData("node01")]
    [InlineData("render-17.studio.example:2")]
    [InlineData("A_b.C-d:9")]
    public void Label_safe_identities_pass(string value)
    {
        Assert.Null(IdentityRules.Error("host", value));
    }

    [Theory]
    [InlineData("", "host: must not be empty")]
    [InlineData("two words", "host: only letters, digits")]
    [InlineData("quote\"d", "host: only letters, digits")]
    [InlineData("nüde", "host: only letters, digits")]
    [InlineData("line\nfeed", "host: only letters, digits")]
    public void Identities_outside_the_label_rules_are_named_in_the_error(string value, string expected)
    {
        Assert.StartsWith(expected, IdentityRules.Error("host", value));
    }

    [Fact]
    public void Long_path_is_cut_from_the_front_so_the_file_name_survives()
    {
        var path = "/projects/" + new string('d', 300) + "/shot010/lighting.blend";

        var cut = ReportRules.TruncatePath(path);

        Assert.Equal(ReportRules.MaxTextLength, cut.Length);
        Assert.StartsWith("…", cut);
        Assert.EndsWith("/shot010/lighting.blend", cut);
        Assert.Equal("/projects/shot010/lighting.blend", ReportRules.TruncatePath("/projects/shot010/lighting.blend"));
    }

    [Fact]
    public void Identity_may_be_128_characters_but_not_129()
    {
        Assert.Null(IdentityRules.Error("instance", new string('a', 128)));
        Assert.Equal("instance: must be at most 128 characters, was 129",
            IdentityRules.Error("instance", new string('a', 129)));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-1.0)]
    public void Seconds_must_be_finite_and_not_negative(double seconds)
    {
        var error = ReportRules.Validate(Reports.Valid() with { RenderSeconds = seconds });

        Assert.StartsWith("render_seconds:", error);
    }

    [Fact]
    public void Frame_range_must_be_whole_and_ordered()
    {
        Assert.Null(ReportRules.Validate(Reports.Valid() with { JobFrameStart = -5, JobFrameEnd = 10 }));
        Assert.StartsWith("job_frame_end:", ReportRules.Validate(Reports.Valid() with { JobFrameStart = 10, JobFrameEnd = 1 }));
        Assert.StartsWith("job_frame_start, job_frame_end:", ReportRules.Validate(Reports.Valid() with { JobFrameStart = 1 }));
    }

    [Fact]
    public void Long_free_text_is_cut_to_the_documented_length()
    {
        Assert.Equal(ReportRules.MaxTextLength, ReportRules.Truncate(new string('x', 10_000)).Length);
        Assert.Equal("short", ReportRules.Truncate("short"));
    }

    [Fact]
    public void Truncation_never_splits_a_surrogate_pair()
    {
        var text = new string('x', ReportRules.MaxTextLength - 1) + "😀tail";

        var cut = ReportRules.Truncate(text);

        Assert.Equal(ReportRules.MaxTextLength - 1, cut.Length);
        Assert.False(char.IsHighSurrogate(cut[^1]));
    }

    /// <summary>A session of one frame of 1.5 s, as the add-on reports it after its first frame.</summary>
    private static InstanceReport OneFrame => Reports.Valid() with
    {
        FramesRendered = 1,
        RenderSeconds = 1.5,
        LastFrameSeconds = 1.5,
        FrameSecondsBuckets = FrameTimes.Cumulative([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        FrameSecondsSum = 1.5,
    };

    public static TheoryData<string, Func<InstanceReport, InstanceReport>> Implausible => new()
    {
        { "frame_seconds_sum: must be at most 10000000 seconds", r => r with { FrameSecondsSum = 1.7e308 } },
        { "frame_seconds_sum: must be at most 0 seconds", r => r with { FrameSecondsBuckets = null } },
        { "last_frame_seconds: must be at most 10000000 seconds", r => r with { LastFrameSeconds = 1e7 + 1 } },
        { "render_seconds: must be at most 20000000 seconds", r => r with { RenderSeconds = 3e7 } },
        { "process_cpu_seconds: must be at most 10240000000 seconds", r => r with { ProcessCpuSeconds = 1e300 } },
        { "frame_seconds_counts: must add up to at most 1,000,000,000 frames", r => r with { FrameSecondsBuckets = FrameTimes.Cumulative([ulong.MaxValue, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) } },
        { "frames_rendered: must be at most 1,000,000,000", r => r with { FramesRendered = ulong.MaxValue } },
        { "renders_completed: must be at most 1,000,000,000", r => r with { RendersCompleted = 1_000_000_001 } },
        { "renders_cancelled: must be at most 1,000,000,000", r => r with { RendersCancelled = ulong.MaxValue } },
        { "current_frame: must be a frame Blender can have", r => r with { CurrentFrame = int.MaxValue } },
        { "job_frame_start: must be a frame Blender can have", r => r with { JobFrameStart = int.MinValue, JobFrameEnd = 1 } },
        { "job_frame_end: must be a frame Blender can have", r => r with { JobFrameStart = 1, JobFrameEnd = 1_048_575 } },
        { "resident_memory_bytes: must be at most", r => r with { ResidentMemoryBytes = ulong.MaxValue } },
        { "frame_peak_memory_bytes: must be at most", r => r with { FramePeakMemoryBytes = (1UL << 50) + 1 } },
        { "frame_elapsed_seconds: must be a finite number of seconds >= 0", r => r with { FrameElapsedSeconds = double.NaN } },
        { "progress_age_seconds: must be at most 10000000 seconds", r => r with { FrameElapsedSeconds = 1, ProgressAgeSeconds = 1e8 } },
        { "frame_samples_done: must not be more than frame_samples_total (64)", r => r with { FrameSamplesDone = 65, FrameSamplesTotal = 64 } },
        { "frame_samples_total: must be at most 16777216", r => r with { FrameSamplesTotal = uint.MaxValue } },
        { "renders_failed: must be at most 1,000,000,000", r => r with { RendersFailed = ulong.MaxValue } },
    };

    [Theory]
    [MemberData(nameof(Implausible))]
    public void Numbers_beyond_any_real_Blender_are_refused_naming_the_field(string expected, Func<InstanceReport, InstanceReport> change)
    {
        Assert.Null(ReportRules.Validate(OneFrame));

        Assert.StartsWith(expected, ReportRules.Validate(change(OneFrame)));
    }

    [Fact]
    public void The_largest_plausible_values_pass()
    {
        var largest = OneFrame with
        {
            CurrentFrame = ReportRules.MaxFrame,
            JobFrameStart = ReportRules.MinFrame,
            JobFrameEnd = ReportRules.MaxFrame,
            LastFrameSeconds = ReportRules.MaxFrameSeconds,
            FrameSecondsSum = ReportRules.MaxFrameSeconds,
            RenderSeconds = 2 * ReportRules.MaxFrameSeconds,
            ProcessCpuSeconds = ReportRules.MaxCpuSeconds,
            FramesRendered = ReportRules.MaxSessionCount,
            RendersCompleted = ReportRules.MaxSessionCount,
            ResidentMemoryBytes = ReportRules.MaxMemoryBytes,
        };

        Assert.Null(ReportRules.Validate(largest));
    }
}
