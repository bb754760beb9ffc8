using RenderFarm.Server.Cli;
using RenderFarm.Server.Queries;
using RenderFarm.Server.StatusApi;

namespace RenderFarm.UnitTests.Status;

public class CheckEvaluationTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);

    [Fact]
    public void Reporting_instance_is_ok()
    {
        var result = Evaluate(Args(), Host(Instance("0", rendering: true, age: 2, job: new JobStatus(1, 250, 0.164))));

        Assert.Equal(CheckStatus.Ok, result.Status);
        Assert.Equal(
            "RENDERFARM OK - node17 rendering, frame 42 of 1-250 (16%), last seen 2 s ago | age=2s;;;0 instances=1;;;0 rendering=1;;;0 frame=42 progress=16.4%;;;0;100",
            result.Line);
    }

    [Fact]
    public void Host_that_does_not_report_is_critical()
    {
        var result = Evaluate(Args(), host: null);

        Assert.Equal(CheckStatus.Critical, result.Status);
        Assert.Equal("RENDERFARM CRITICAL - node17: no report within the instance TTL (30 s) | instances=0;;;0", result.Line);
    }

    [Fact]
    public void Missing_instance_is_critical_and_names_the_ones_that_report()
    {
        var result = Evaluate(Args() with { Instance = "2" }, Host(Instance("0"), Instance("1")));

        Assert.Equal(CheckStatus.Critical, result.Status);
        Assert.Contains("node17/2: no report", result.Message);
        Assert.Contains("has instance(s) 0, 1", result.Message);
    }

    [Theory]
    [InlineData(CheckExpectation.Rendering, false, CheckStatus.Critical)]
    [InlineData(CheckExpectation.Rendering, true, CheckStatus.Ok)]
    [InlineData(CheckExpectation.Idle, true, CheckStatus.Critical)]
    [InlineData(CheckExpectation.Idle, false, CheckStatus.Ok)]
    [InlineData(CheckExpectation.Alive, true, CheckStatus.Ok)]
    [InlineData(CheckExpectation.Alive, false, CheckStatus.Ok)]
    public void State_is_checked_against_the_expectation(CheckExpectation expect, bool rendering, CheckStatus expected)
    {
        var result = Evaluate(Args() with { Expect = expect }, Host(Instance("0", rendering)));

        Assert.Equal(expected, result.Status);
    }

    [Fact]
    public void Host_renders_when_any_instance_does_and_is_idle_only_when_none_does()
    {
        var mixed = Host(Instance("0", rendering: false), Instance("1", rendering: true));

        Assert.Equal(CheckStatus.Ok, Evaluate(Args() with { Expect = CheckExpectation.Rendering }, mixed).Status);
        var idle = Evaluate(Args() with { Expect = CheckExpectation.Idle }, mixed);
        Assert.Equal(CheckStatus.Critical, idle.Status);
        Assert.Contains("1 instance(s) rendering, expected idle", idle.Message);
    }

    [Fact]
    public void Old_report_is_a_warning_with_the_threshold_in_performance_data()
    {
        var result = Evaluate(Args() with { MaxAge = TimeSpan.FromSeconds(10) }, Host(Instance("0", age: 12.34)));

        Assert.Equal(CheckStatus.Warning, result.Status);
        Assert.Contains("last report 12.3 s ago (more than 10 s)", result.Message);
        Assert.StartsWith("age=12.3s;10;;0 ", result.PerformanceData);
    }

    [Fact]
    public void Wrong_state_outranks_an_old_report()
    {
        var result = Evaluate(Args() with { Expect = CheckExpectation.Rendering, MaxAge = TimeSpan.FromSeconds(1) },
            Host(Instance("0", rendering: false, age: 20)));

        Assert.Equal(CheckStatus.Critical, result.Status);
    }

    [Fact]
    public void Whole_host_reports_its_oldest_instance()
    {
        var result = Evaluate(Args() with { MaxAge = TimeSpan.FromSeconds(5) }, Host(Instance("0", age: 1), Instance("1", age: 6)));

        Assert.Equal(CheckStatus.Warning, result.Status);
        Assert.Contains("2 instances (0 rendering, 2 idle), oldest report 6 s ago", result.Message);
    }

    [Fact]
    public void Missing_instance_of_a_large_host_names_ten_and_counts_the_rest()
    {
        var page = Enumerable.Range(0, CheckEvaluation.MaxNamed).Select(i => Instance(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var others = Host(page) with { Summary = new FarmSummary(5000, 0, 5000, 1) };

        var result = CheckEvaluation.Evaluate(Args() with { Instance = "x" }, host: null, Ttl, others);

        Assert.Equal(CheckStatus.Critical, result.Status);
        Assert.EndsWith("has instance(s) 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 4990 more", result.Message);
    }

    [Fact]
    public void A_page_of_one_is_judged_by_the_host_counts_and_oldest_report()
    {
        // The server's answer to pageSize=1 for a host of 300: one instance shown, the whole host counted.
        var page = Host(Instance("0", rendering: false, age: 1)) with
        {
            Summary = new FarmSummary(300, 7, 293, 1) { HostsRendering = 1 },
            OldestReportAgeSeconds = 8,
        };

        var rendering = CheckEvaluation.Evaluate(Args() with { Expect = CheckExpectation.Rendering, MaxAge = TimeSpan.FromSeconds(5) }, page, Ttl);

        Assert.Equal(CheckStatus.Warning, rendering.Status);
        Assert.Equal("RENDERFARM WARNING - node17: last report 8 s ago (more than 5 s); 300 instances (7 rendering, 293 idle), "
            + "oldest report 8 s ago | age=8s;5;;0 instances=300;;;0 rendering=7;;;0", rendering.Line);
        Assert.Equal(CheckStatus.Critical, CheckEvaluation.Evaluate(Args() with { Expect = CheckExpectation.Idle }, page, Ttl).Status);
    }

    [Fact]
    public void Pipe_in_a_message_cannot_start_performance_data()
    {
        var result = new CheckResult(CheckStatus.Unknown, "a | b\nc", "x=1");

        Assert.Equal("RENDERFARM UNKNOWN - a / b c | x=1", result.Line);
    }

    private static CheckResult Evaluate(CheckArguments args, HostStatus? host) => CheckEvaluation.Evaluate(args, host, Ttl);

    private static CheckArguments Args() => new() { Host = "node17" };

    private static HostStatus Host(params InstanceView[] instances) =>
        new("node17", FarmSummary.Of(instances), Ttl.TotalSeconds, instances);

    private static InstanceView Instance(string instance, bool rendering = false, double age = 1, JobStatus? job = null) => new()
    {
        Host = "node17",
        Instance = instance,
        State = rendering ? InstanceState.Rendering : InstanceState.Idle,
        CurrentFrame = 42,
        Job = job,
        FramesRendered = 41,
        LastSeen = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        AgeSeconds = age,
    };
}
