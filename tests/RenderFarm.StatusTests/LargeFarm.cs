using RenderFarm.LoadGenerator;

namespace RenderFarm.StatusTests;

/// <summary>A server holding a large farm, reported by the load generator's simulated instances.</summary>
public static class LargeFarm
{
    /// <summary>Long enough that no instance expires while a test reads the farm, without a heartbeat to keep it.</summary>
    public const string Ttl = "00:10:00";

    /// <summary>Starts a server and has every instance of <paramref name="farm"/> report to it once, over native gRPC.</summary>
    public static async Task<Farm> StartAsync(IReadOnlyList<SimulatedInstance> farm)
    {
        var server = await Farm.StartAsync(null, ("RenderFarm:InstanceTtl", Ttl));
        try
        {
            await using var target = new ReporterTarget(new ServerAddress(server.Server.GrpcAddress, Transport.Grpc), connections: 4);
            var errors = await FarmLoad.PopulateAsync(target, farm, concurrency: 64, CancellationToken.None);
            Assert.Equal(0, errors);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }
}
