using Grpc.Core;
using Grpc.Net.Client;
using RenderFarm.Benchmarks;
using RenderFarm.Contracts.V1;

namespace RenderFarm.Benchmarks.Tests;

/// <summary>The do-nothing server the benchmark compares against binds every rpc of <c>Reporter</c>, as the real one does.</summary>
public class NullServerContractTests
{
    [Fact]
    public async Task Every_reporter_rpc_is_bound_on_the_do_nothing_server()
    {
        await using var server = await NullServer.StartAsync();
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var unbound = new List<string>();
        foreach (var method in Reporter.Descriptor.Methods)
        {
            if (await UnaryProbe.StatusAsync(channel.CreateCallInvoker(), Reporter.Descriptor.FullName, method.Name) == StatusCode.Unimplemented)
            {
                unbound.Add(method.Name);
            }
        }

        Assert.True(unbound.Count == 0, $"not bound on the do-nothing server: {string.Join(", ", unbound)}");
        Assert.Equal(StatusCode.Unimplemented, await UnaryProbe.StatusAsync(channel.CreateCallInvoker(), Reporter.Descriptor.FullName, "NoSuchRpc"));
    }
}
