using Microsoft.Extensions.Logging.Abstractions;
using RenderFarm.Server.Registry;

namespace RenderFarm.UnitTests;

public class ExpirySweeperTests
{
    [Fact]
    public void Sweep_removes_expired_instances_and_records_when_it_ran()
    {
        var (registry, time) = Reports.NewRegistry();
        var sweeper = new ExpirySweeper(registry, time, NullLogger<ExpirySweeper>.Instance);
        registry.Apply(Reports.Valid());

        time.Advance(Reports.Ttl);
        Assert.Equal(Reports.Ttl, sweeper.SinceLastSweep);
        sweeper.Sweep();

        Assert.Equal(0, registry.Count);
        Assert.Equal(TimeSpan.Zero, sweeper.SinceLastSweep);
    }

    [Fact]
    public void Sweep_interval_leaves_room_within_ttl_plus_one_second()
    {
        Assert.True(ExpirySweeper.Interval <= TimeSpan.FromMilliseconds(500));
    }
}
