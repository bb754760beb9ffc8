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
}
