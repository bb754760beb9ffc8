using Grpc.Core;
using RenderFarm.Contracts.V1;

namespace RenderFarm.StatusTests;

public class FarmStatusGrpcTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly Farm _farm = fixture.Farm;

    public static TheoryData<string> Transports => ["native", "grpc-web"];

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task List_filters_by_host_and_state(string transport)
    {
        var host = $"grpc-list-{transport}";
        await _farm.SendAsync(Farm.Report(host, "0", rendering: true, frame: 11, job: (1, 20)));
        await _farm.SendAsync(Farm.Report(host, "1"));
        await _farm.SendAsync(Farm.Report("grpc-list-other", "0", rendering: true));

        var all = await Client(transport).ListInstancesAsync(new ListInstancesRequest { Host = host });
        var rendering = await Client(transport).ListInstancesAsync(
            new ListInstancesRequest { Host = host, State = RenderState.Rendering });

        Assert.Equal(["0", "1"], all.Instances.Select(i => i.Instance));
        Assert.All(all.Instances, i => Assert.Equal(host, i.Host));
        Assert.Equal((1u, 1u), (all.Rendering, all.Idle));
        var one = Assert.Single(rendering.Instances);
        Assert.Equal(RenderState.Rendering, one.State);
        Assert.Equal(11, one.CurrentFrame);
        Assert.Equal((1, 20), (one.JobFrameStart, one.JobFrameEnd));
        Assert.Equal(0.5, one.Progress, precision: 4);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Get_returns_one_instance(string transport)
    {
        var host = $"grpc-get-{transport}";
        await _farm.SendAsync(Farm.Report(host, "3", frame: 7));

        var instance = await Client(transport).GetInstanceAsync(new GetInstanceRequest { Host = host, Instance = "3" });

        Assert.Equal((host, "3", RenderState.Idle, 7), (instance.Host, instance.Instance, instance.State, instance.CurrentFrame));
        Assert.False(instance.HasJobFrameStart);
        Assert.False(instance.HasProgress);
        Assert.Equal("/projects/shot010/lighting.blend", instance.BlendFile);
        Assert.InRange(instance.LastSeen.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddSeconds(-30), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.InRange(instance.AgeSeconds, 0, 30);
    }

    [Fact]
    public async Task Get_of_an_instance_that_does_not_report_is_not_found()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _farm.NativeStatus.GetInstanceAsync(new GetInstanceRequest { Host = "grpc-nobody", Instance = "0" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("grpc-nobody/0", error.Status.Detail);
    }

    [Theory]
    [InlineData("bad host", "0", "host:")]
    [InlineData("node17", "", "instance:")]
    public async Task Get_with_a_bad_identity_names_the_field(string host, string instance, string field)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _farm.WebStatus.GetInstanceAsync(new GetInstanceRequest { Host = host, Instance = instance }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith(field, error.Status.Detail);
    }

    [Fact]
    public async Task List_with_an_unknown_state_names_the_field()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _farm.NativeStatus.ListInstancesAsync(new ListInstancesRequest { State = (RenderState)7 }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("state:", error.Status.Detail);
    }

    private FarmStatus.FarmStatusClient Client(string transport) =>
        transport == "native" ? _farm.NativeStatus : _farm.WebStatus;
}
