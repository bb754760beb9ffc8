using RenderFarm.Server.Registry;

namespace RenderFarm.UnitTests;

public class InstanceRegistryTests
{
    [Fact]
    public void First_report_creates_the_instance()
    {
        var (registry, _) = Reports.NewRegistry();

        var result = registry.Apply(Reports.Valid(rendering: true));

        Assert.Equal(ReportOutcome.Applied, result.Outcome);
        Assert.Equal(1, registry.Count);
        Assert.True(registry.Find("node01", "0")!.Report.Rendering);
    }

    [Fact]
    public void Newer_report_of_the_session_replaces_the_state()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(sequence: 1, rendering: true));

        var result = registry.Apply(Reports.Valid(sequence: 2, rendering: false));

        Assert.Equal(ReportOutcome.Applied, result.Outcome);
        Assert.False(registry.Find("node01", "0")!.Report.Rendering);
        Assert.Equal(1, registry.Count);
    }

    [Theory]
    [InlineData(5ul)]
    [InlineData(4ul)]
    public void Report_not_newer_than_the_applied_one_is_ignored(ulong sequence)
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(sequence: 5, rendering: true));

        var result = registry.Apply(Reports.Valid(sequence: sequence, rendering: false));

        Assert.Equal(ReportOutcome.Stale, result.Outcome);
        Assert.True(registry.Find("node01", "0")!.Report.Rendering);
    }

    [Fact]
    public void Stale_report_does_not_refresh_last_seen()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(sequence: 5));
        var before = registry.Find("node01", "0")!.LastSeen;

        time.Advance(TimeSpan.FromSeconds(10));
        registry.Apply(Reports.Valid(sequence: 5));

        Assert.Equal(before, registry.Find("node01", "0")!.LastSeen);
    }

    [Fact]
    public void New_session_replaces_the_old_one_whatever_its_sequence()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(sequence: 900, session: "old"));

        var result = registry.Apply(Reports.Valid(sequence: 1, session: "new"));

        Assert.Equal(ReportOutcome.Applied, result.Outcome);
        Assert.Equal("new", registry.Find("node01", "0")!.Report.SessionId);
    }

    [Fact]
    public void Invalid_report_is_refused_and_nothing_is_stored()
    {
        var (registry, _) = Reports.NewRegistry();

        var result = registry.Apply(Reports.Valid(host: "bad host"));

        Assert.Equal(ReportOutcome.Invalid, result.Outcome);
        Assert.StartsWith("host:", result.Error);
        Assert.Equal(0, registry.Count);
        Assert.Empty(registry.Entries);
    }

    [Fact]
    public void New_instance_beyond_the_limit_is_refused_while_known_ones_keep_reporting()
    {
        var (registry, _) = Reports.NewRegistry(maxInstances: 2);
        registry.Apply(Reports.Valid(instance: "0"));
        registry.Apply(Reports.Valid(instance: "1"));

        var refused = registry.Apply(Reports.Valid(instance: "2"));
        var known = registry.Apply(Reports.Valid(instance: "1", sequence: 2));

        Assert.Equal(ReportOutcome.LimitReached, refused.Outcome);
        Assert.Contains("MaxInstances", refused.Error);
        Assert.Equal(ReportOutcome.Applied, known.Outcome);
        Assert.Equal(2, registry.Count);
        Assert.Null(registry.Find("node01", "2"));
    }

    [Fact]
    public void Sign_off_removes_the_instance_at_once_and_is_counted()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid());

        var result = registry.SignOff("node01", "0", "s1");

        Assert.Equal(SignOffOutcome.Removed, result.Outcome);
        Assert.Equal(0, registry.Count);
        Assert.Equal(1, registry.SignedOffTotal);
        Assert.Equal(0, registry.ExpiredTotal);
    }

    [Fact]
    public void Sign_off_of_an_older_session_leaves_the_newer_one()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(session: "new"));

        var result = registry.SignOff("node01", "0", "old");

        Assert.Equal(SignOffOutcome.NotFound, result.Outcome);
        Assert.NotNull(registry.Find("node01", "0"));
        Assert.Equal(0, registry.SignedOffTotal);
    }

    [Fact]
    public void Sign_off_with_invalid_identity_is_refused()
    {
        var (registry, _) = Reports.NewRegistry();

        var result = registry.SignOff("node01", "", "s1");

        Assert.Equal(SignOffOutcome.Invalid, result.Outcome);
        Assert.StartsWith("instance:", result.Error);
    }

    [Fact]
    public void Instance_expires_once_a_full_ttl_passed_without_a_report()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid());

        time.Advance(Reports.Ttl - TimeSpan.FromMilliseconds(1));
        Assert.Empty(registry.RemoveExpired());
        Assert.Equal(1, registry.Count);

        time.Advance(TimeSpan.FromMilliseconds(1));
        var removed = Assert.Single(registry.RemoveExpired());

        Assert.Equal(new InstanceKey("node01", "0"), removed);
        Assert.Equal(0, registry.Count);
        Assert.Equal(1, registry.ExpiredTotal);
    }

    [Fact]
    public void Heartbeats_keep_an_instance_alive_past_its_ttl()
    {
        var (registry, time) = Reports.NewRegistry();
        for (ulong sequence = 1; sequence <= 10; sequence++)
        {
            registry.Apply(Reports.Valid(sequence: sequence));
            time.Advance(TimeSpan.FromSeconds(5));
            Assert.Empty(registry.RemoveExpired());
        }

        Assert.Equal(1, registry.Count);
    }

    [Fact]
    public void Expiry_removes_only_the_silent_instances()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(instance: "quiet"));
        time.Advance(TimeSpan.FromSeconds(20));
        registry.Apply(Reports.Valid(instance: "busy"));
        time.Advance(TimeSpan.FromSeconds(10));

        var removed = registry.RemoveExpired();

        Assert.Equal("quiet", Assert.Single(removed).Instance);
        Assert.NotNull(registry.Find("node01", "busy"));
    }

    [Fact]
    public void Concurrent_reports_keep_one_entry_per_instance_and_an_exact_count()
    {
        var (registry, _) = Reports.NewRegistry(maxInstances: 500);

        Parallel.For(0, 4000, i =>
            registry.Apply(Reports.Valid(instance: (i % 600).ToString(), sequence: (ulong)(i + 1))));

        Assert.Equal(500, registry.Count);
        Assert.Equal(500, registry.Entries.Count());
    }
}
