using RenderFarm.Server.Queries;

namespace RenderFarm.UnitTests.Status;

public class StatusFilterTests
{
    [Theory]
    [InlineData(null, null, null, null)]
    [InlineData("", "", null, null)]
    [InlineData("node17", "rendering", "node17", InstanceState.Rendering)]
    [InlineData("node17", "Idle", "node17", InstanceState.Idle)]
    public void Valid_values_parse(string? host, string? state, string? expectedHost, InstanceState? expectedState)
    {
        var error = StatusFilter.TryParse(host, state, out var filter);

        Assert.Null(error);
        Assert.Equal(new StatusFilter(expectedHost, expectedState), filter);
    }

    [Theory]
    [InlineData("node 17", null, "host")]
    [InlineData("node17\n", null, "host")]
    [InlineData(null, "busy", "state")]
    [InlineData(null, "1", "state")]
    public void Bad_values_name_the_parameter(string? host, string? state, string parameter)
    {
        var error = StatusFilter.TryParse(host, state, out _);

        Assert.NotNull(error);
        Assert.Equal(parameter, error.Parameter);
        Assert.StartsWith(parameter + ":", error.Message);
    }

    [Fact]
    public void Echoed_value_is_cut_short()
    {
        var error = StatusFilter.TryParse(null, new string('x', 10_000), out _);

        Assert.InRange(error!.Message.Length, 1, 200);
    }

    [Theory]
    [InlineData("node1", "node1")]
    [InlineData("NODE", "node1")]
    [InlineData("e1", "node1")]
    [InlineData("gpu node", null)]
    [InlineData("node2", null)]
    public void Part_of_a_host_name_matches_in_any_case(string part, string? matched)
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid("node1"));
        var entry = registry.Find("node1", "0")!.Value;

        Assert.Null(StatusFilter.TryParse(null, null, part, out var filter));

        Assert.Equal(matched is not null, filter.Matches(entry.Key, entry.Report.Rendering));
    }

    [Fact]
    public void Part_longer_than_any_host_name_is_refused()
    {
        var error = StatusFilter.TryParse(null, null, new string('x', 129), out _);

        Assert.Equal("hostContains", error?.Parameter);
        Assert.Equal("hostContains: must be at most 128 characters, was 129", error?.Message);
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("1", false)]
    [InlineData("00", false)]
    public void Instance_matches_by_exact_name(string instance, bool matched)
    {
        var (registry, _) = Reports.NewRegistry();
        registry.Apply(Reports.Valid("node1"));
        var entry = registry.Find("node1", "0")!.Value;

        Assert.Null(StatusFilter.TryParse("node1", null, null, instance, out var filter));

        Assert.Equal(matched, filter.Matches(entry.Key, entry.Report.Rendering));
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("x\u0000")]
    public void Bad_instance_names_the_parameter(string instance)
    {
        var error = StatusFilter.TryParse("node1", null, null, System.Text.RegularExpressions.Regex.Unescape(instance), out _);

        Assert.Equal("instance", error?.Parameter);
        Assert.StartsWith("instance:", error?.Message);
    }
}
