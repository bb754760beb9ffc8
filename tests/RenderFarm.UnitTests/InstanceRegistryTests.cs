namespace RenderFarm.UnitTests;

public class InstanceRegistryTests
{
    /// <summary>How many replaced sessions an instance remembers (RetiredSessions.Kept).</summary>
    private const int RetiredSessionsKept = 4;

    [Fact]
    public void First_report_creates_the_instance()
    {
        var (registry, _) = Reports.NewRegistry();

        var result = registry.Apply(Reports.Valid(rendering: true));

        Assert.Equal(ReportOutcome.Applied, result.Outcome);
        Assert.Equal(1, registry.Count);
        Assert.True(registry.Find("node01", "0")!.Value.Report.Rendering);
    }

    [Fact]
    public void Newer_report_of_the_session_replaces_the_state()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(sequence: 1, rendering: true));

        var result = registry.Apply(Reports.Valid(sequence: 2, rendering: false));

        Assert.Equal(ReportOutcome.Applied, result.Outcome);
        Assert.False(registry.Find("node01", "0")!.Value.Report.Rendering);
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
        Assert.True(registry.Find("node01", "0")!.Value.Report.Rendering);
    }

    [Fact]
    public void Stale_report_does_not_refresh_last_seen()
    {
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(sequence: 5));
        var before = registry.Find("node01", "0")!.Value.LastSeen;

        time.Advance(TimeSpan.FromSeconds(10));
        registry.Apply(Reports.Valid(sequence: 5));

        Assert.Equal(before, registry.Find("node01", "0")!.Value.LastSeen);
    }

    [Fact]
    public void New_session_replaces_the_old_one_whatever_its_sequence()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(sequence: 900, session: "old"));

        var result = registry.Apply(Reports.Valid(sequence: 1, session: "new"));

        Assert.Equal(ReportOutcome.Applied, result.Outcome);
        Assert.Equal("new", registry.Find("node01", "0")!.Value.Report.SessionId);
    }

    [Fact]
    public void Late_report_of_a_replaced_session_is_stale_and_leaves_its_successor()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(sequence: 100, session: "old", rendering: true));
        registry.Apply(Reports.Valid(sequence: 1, session: "new"));

        var late = registry.Apply(Reports.Valid(sequence: 101, session: "old", rendering: true));
        var signOff = registry.SignOff("node01", "0", "old");

        Assert.Equal(ReportOutcome.Stale, late.Outcome);
        Assert.Equal(SignOffOutcome.NotFound, signOff.Outcome);
        var entry = registry.Find("node01", "0")!.Value;
        Assert.Equal("new", entry.Report.SessionId);
        Assert.False(entry.Report.Rendering);
    }

    [Fact]
    public void Replaced_sessions_never_come_back_over_several_restarts()
    {
        var (registry, _) = Reports.NewRegistry();
        var sessions = Enumerable.Range(0, RetiredSessionsKept + 1).Select(n => $"s{n}").ToArray();
        foreach (var session in sessions)
        {
            Assert.Equal(ReportOutcome.Applied, registry.Apply(Reports.Valid(session: session)).Outcome);
        }

        foreach (var session in sessions[..^1])
        {
            Assert.Equal(ReportOutcome.Stale, registry.Apply(Reports.Valid(sequence: 50, session: session)).Outcome);
        }

        Assert.Equal(sessions[^1], registry.Find("node01", "0")!.Value.Report.SessionId);
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
        // Repeated: two first reports of one instance counting twice against the limit, and so
        // turning a third instance away, showed up once in a few hundred runs.
        for (var run = 0; run < 50; run++)
        {
            var (registry, _) = Reports.NewRegistry(maxInstances: 500);

            Parallel.For(0, 4000, i =>
                registry.Apply(Reports.Valid(instance: (i % 600).ToString(), sequence: (ulong)(i + 1))));

            Assert.Equal(500, registry.Count);
            Assert.Equal(500, registry.Entries.Count());
        }
    }

    [Fact]
    public void Unchanged_text_keeps_the_stored_strings_so_the_reports_copies_die_young()
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid(sequence: 1) with { Scene = Copy("shot_010"), BlendFile = Copy("shot_010.blend") });
        var stored = registry.Find("node01", "0")!.Value.Report;

        registry.Apply(Reports.Valid(sequence: 2) with { Scene = Copy("shot_010"), BlendFile = Copy("shot_020.blend") });
        var after = registry.Find("node01", "0")!.Value.Report;

        Assert.Same(stored.Scene, after.Scene);
        Assert.Same(stored.SessionId, after.SessionId);
        Assert.Equal("shot_020.blend", after.BlendFile);
        Assert.Equal(2ul, after.Sequence);
    }

    [Fact]
    public void Report_to_a_known_instance_allocates_no_more_than_its_lookup_key()
    {
        var (registry, _) = Reports.NewRegistry();
        var reports = Enumerable.Range(1, 20_000)
            .Select(i => Reports.Valid(sequence: (ulong)i, rendering: i % 2 == 0) with { Scene = Copy("shot_010") })
            .ToArray();
        for (var i = 0; i < 10_000; i++)
        {
            registry.Apply(reports[i]); // Warm-up: first calls compile code and size the dictionary.
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 10_000; i < reports.Length; i++)
        {
            registry.Apply(reports[i]);
        }

        var perReport = (GC.GetAllocatedBytesForCurrentThread() - before) / 10_000.0;
        Assert.InRange(perReport, 0, 40); // new InstanceKey(host, instance): 32 bytes.
        Assert.Equal(20_000ul, registry.Find("node01", "0")!.Value.Report.Sequence);
    }

    [Fact]
    public async Task Reports_racing_with_expiry_and_sign_off_keep_an_exact_count()
    {
        var (registry, time) = Reports.NewRegistry(maxInstances: 1000);
        var sequence = 0L;
        using var done = new CancellationTokenSource();
        var reporters = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            for (var i = 0; !done.IsCancellationRequested; i++)
            {
                registry.Apply(Reports.Valid(instance: (i % 50).ToString(),
                    sequence: (ulong)Interlocked.Increment(ref sequence)));
            }
        })).ToArray();

        for (var round = 0; round < 500; round++)
        {
            // Each round starts only once the reporters have moved on, so the rounds interleave with them.
            var seen = Interlocked.Read(ref sequence);
            SpinWait.SpinUntil(() => Interlocked.Read(ref sequence) > seen + 20);
            time.Advance(Reports.Ttl);
            registry.RemoveExpired();
            registry.SignOff("node01", (round % 50).ToString(), "s1");
        }

        await done.CancelAsync();
        await Task.WhenAll(reporters);

        Assert.Equal(registry.Entries.Count(), registry.Count);
        Assert.True(registry.ExpiredTotal > 0 && registry.SignedOffTotal > 0);
        time.Advance(Reports.Ttl);
        Assert.Equal(registry.Count, registry.RemoveExpired().Count);
        Assert.Equal(0, registry.Count);
        Assert.Empty(registry.Entries);
    }

    private static string Copy(string text) => new(text.AsSpan());
}
