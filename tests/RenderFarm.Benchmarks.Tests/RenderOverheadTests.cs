using RenderFarm.Benchmarks;

namespace RenderFarm.Benchmarks.Tests;

/// <summary>The statistic of the render-overhead row, on made-up rounds: no Blender runs here.</summary>
public class RenderOverheadTests
{
    [Fact]
    public void Overhead_is_the_median_of_each_rounds_own_ratio_not_the_ratio_of_the_medians()
    {
        // The machine slows down and speeds up between rounds; within each round the add-on costs 1 % or nothing.
        var figure = Figure((10, 10.1), (20, 20), (30, 30.3));

        Assert.Equal(0.01, figure.RenderOverhead.Median, 9);
        // Both arms' medians are 20 s: set against each other, they would say the add-on costs nothing.
        Assert.Equal(20, figure.MedianWithout.Render);
    }

    [Fact]
    public void A_round_spoilt_by_a_burst_of_load_does_not_move_the_median()
    {
        var figure = Figure((10, 10.05), (10, 10.05), (10, 14), (10, 10.05), (10, 10.05));

        Assert.Equal(0.005, figure.RenderOverhead.Median, 9);
        Assert.Equal(0.4, figure.RenderOverhead.Highest, 9);
        Assert.True(figure.WithinLimit);
    }

    [Fact]
    public void Spread_interpolates_between_neighbours_and_an_even_count_takes_the_middle_two()
    {
        var spread = Spread.Of([4, 1, 3, 2]);

        Assert.Equal(new Spread(Median: 2.5, LowerQuartile: 1.75, UpperQuartile: 3.25, Lowest: 1, Highest: 4), spread);
        Assert.Equal(new Spread(7, 7, 7, 7, 7), Spread.Of([7]));
        Assert.Throws<ArgumentException>(() => Spread.Of([]));
    }

    [Theory]
    [InlineData(100, 99, true)]
    [InlineData(100, 100.9, true)]
    [InlineData(100, 101, true)]
    [InlineData(100, 101.1, false)]
    [InlineData(100, 103, false)]
    public void Limit_is_one_per_cent_as_the_row_shows_it(double without, double with, bool met)
    {
        var figure = Figure((without, with));

        Assert.Equal(met, figure.WithinLimit);
        var row = BenchmarkResults.OverheadRows([figure]).First();
        Assert.Equal(met, row.Met);
        Assert.Equal("≤ 1 %", row.Target);
    }

    [Fact]
    public void Start_up_and_exit_are_per_round_differences_in_seconds_apart_from_the_render()
    {
        var rounds = new[]
        {
            new OverheadRound(new RenderTimes(1.0, 10, 0.10, 20), new RenderTimes(1.3, 10, 0.15, 20), WithFirst: false),
            new OverheadRound(new RenderTimes(2.0, 10, 0.10, 20), new RenderTimes(2.2, 10, 0.12, 20), WithFirst: true),
            new OverheadRound(new RenderTimes(1.5, 10, 0.20, 20), new RenderTimes(1.7, 10, 0.30, 20), WithFirst: false),
        };
        var figure = new OverheadFigure("Blender 3.4 (this machine)", 8, 64, "native gRPC", rounds);

        Assert.Equal(0.2, figure.StartUpCost.Median, 9);
        Assert.Equal(0.05, figure.ExitCost.Median, 9);
        Assert.Equal(0, figure.RenderOverhead.Median);
        Assert.Equal(0, figure.RenderCpuOverhead.Median);
        var costRow = BenchmarkResults.OverheadRows([figure]).Last();
        Assert.Equal("+0.20 s start-up, +0.05 s exit", costRow.Ours);
        Assert.Null(costRow.Met);
    }

    [Fact]
    public void Cpu_time_overhead_is_its_own_per_round_ratio_and_has_no_target()
    {
        // Other work on the machine stretched the second round's renders; the CPU time the frames took hardly moved.
        var rounds = new[]
        {
            new OverheadRound(new RenderTimes(1, 10, 0.1, 19.8), new RenderTimes(1, 10.1, 0.1, 20.0), WithFirst: false),
            new OverheadRound(new RenderTimes(1, 16, 0.1, 20.1), new RenderTimes(1, 13, 0.1, 20.3), WithFirst: true),
            new OverheadRound(new RenderTimes(1, 10, 0.1, 19.9), new RenderTimes(1, 10.2, 0.1, 20.1), WithFirst: false),
        };
        var figure = new OverheadFigure("Blender 3.4 (this machine)", 8, 64, "native gRPC", rounds);

        Assert.Equal(20.1 / 19.9 - 1, figure.RenderCpuOverhead.Median, 9);
        Assert.Equal(19.9, figure.MedianWithout.RenderCpu);
        var cpuRow = Assert.Single(BenchmarkResults.OverheadRows([figure]), r => r.Measure.StartsWith("Render CPU time", StringComparison.Ordinal));
        Assert.Equal("+1.0 % (middle half +1.0 % … +1.0 %)", cpuRow.Ours);
        Assert.Null(cpuRow.Met);
    }

    private static OverheadFigure Figure(params (double Without, double With)[] renders) => new(
        "Blender 3.4 (this machine)", 8, 64, "native gRPC",
        [
            .. renders.Select((r, i) => new OverheadRound(
                new RenderTimes(1, r.Without, 0.1, 2 * r.Without), new RenderTimes(1, r.With, 0.1, 2 * r.With), WithFirst: i % 2 == 1)),
        ]);
}
