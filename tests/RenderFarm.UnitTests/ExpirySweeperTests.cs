using Microsoft.Extensions.Logging.Abstractions;

namespace RenderFarm.UnitTests;

public class ExpirySweeperTests
{
    [Fact]
    public void Sweeping_on_schedule_removes_an_instance_once_its_ttl_ran_out()
    {
        var (registry, time) = Reports.NewRegistry();
        var sweeper = NewSweeper(registry, time);
        registry.Apply(Reports.Valid());

        var silent = RunSweeps(sweeper, time, until: () => registry.Count == 0, limit: Reports.Ttl * 2);

        Assert.InRange(silent, Reports.Ttl, Reports.Ttl + ExpirySweeper.Interval);
        Assert.Equal(1, registry.ExpiredTotal);
        Assert.Equal(TimeSpan.Zero, sweeper.SinceLastSweep);
    }

    [Fact]
    public void Sweep_interval_leaves_room_within_ttl_plus_one_second()
    {
        Assert.True(ExpirySweeper.Interval <= TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void Clock_jumping_forward_expires_nobody_at_once()
    {
        var (registry, time) = Reports.NewRegistry();
        var sweeper = NewSweeper(registry, time);
        for (var i = 0; i < 100; i++)
        {
            registry.Apply(Reports.Valid(instance: $"{i}"));
        }

        time.Advance(TimeSpan.FromHours(6));
        sweeper.Sweep();

        Assert.Equal(100, registry.Count);
        Assert.Equal(0, registry.ExpiredTotal);
    }

    [Fact]
    public void After_a_clock_jump_silent_instances_still_expire_one_ttl_later()
    {
        var (registry, time) = Reports.NewRegistry();
        var sweeper = NewSweeper(registry, time);
        registry.Apply(Reports.Valid(instance: "silent"));
        registry.Apply(Reports.Valid(instance: "beating"));
        time.Advance(TimeSpan.FromDays(2));
        sweeper.Sweep();

        ulong sequence = 1;
        var silent = RunSweeps(sweeper, time, until: () => registry.Find("node01", "silent") is null, limit: Reports.Ttl * 2,
            everySecond: () => registry.Apply(Reports.Valid(instance: "beating", sequence: ++sequence)));

        Assert.InRange(silent, Reports.Ttl, Reports.Ttl + ExpirySweeper.Interval);
        Assert.NotNull(registry.Find("node01", "beating"));
    }

    [Fact]
    public void Clock_going_backwards_keeps_no_instance_forever()
    {
        var time = new SettableTimeProvider();
        var options = Options.Create(new RenderFarmOptions { InstanceTtl = Reports.Ttl });
        var registry = new InstanceRegistry(options, time);
        var sweeper = new ExpirySweeper(registry, options, time, NullLogger<ExpirySweeper>.Instance);
        registry.Apply(Reports.Valid());

        time.Now -= TimeSpan.FromDays(365);
        sweeper.Sweep();
        for (var step = TimeSpan.Zero; step <= Reports.Ttl; step += ExpirySweeper.Interval)
        {
            time.Now += ExpirySweeper.Interval;
            sweeper.Sweep();
        }

        Assert.Equal(0, registry.Count);
    }

    [Fact]
    public void Largest_ordinary_gap_cannot_push_a_heartbeating_instance_past_its_ttl()
    {
        var (registry, time) = Reports.NewRegistry();
        var options = new RenderFarmOptions { InstanceTtl = Reports.Ttl };
        var sweeper = NewSweeper(registry, time);
        registry.Apply(Reports.Valid());
        time.Advance(options.HeartbeatInterval);
        sweeper.Sweep();

        time.Advance(sweeper.MaxGap);
        sweeper.Sweep();

        Assert.Equal(1, registry.Count);
        Assert.True(options.HeartbeatInterval + sweeper.MaxGap < options.InstanceTtl);
    }

    private static ExpirySweeper NewSweeper(InstanceRegistry registry, FakeTimeProvider time) =>
        new(registry, Options.Create(new RenderFarmOptions { InstanceTtl = Reports.Ttl }), time, NullLogger<ExpirySweeper>.Instance);

    /// <summary>Advances the fake clock one sweep interval at a time, sweeping each time, until <paramref name="until"/> holds.</summary>
    private static TimeSpan RunSweeps(ExpirySweeper sweeper, FakeTimeProvider time, Func<bool> until, TimeSpan limit,
        Action? everySecond = null)
    {
        var elapsed = TimeSpan.Zero;
        while (!until())
        {
            Assert.True(elapsed < limit, $"still not done after {elapsed}");
            time.Advance(ExpirySweeper.Interval);
            elapsed += ExpirySweeper.Interval;
            if (everySecond is not null && elapsed.Ticks % TimeSpan.TicksPerSecond == 0)
            {
                everySecond();
            }

            sweeper.Sweep();
        }

        return elapsed;
    }

    /// <summary>A clock that can be set anywhere, backwards included (FakeTimeProvider refuses that).</summary>
    private sealed class SettableTimeProvider : TimeProvider
    {
        public TimeSpan Now { get; set; } = TimeSpan.FromDays(1000);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Now.Ticks;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch + Now;
    }
}
