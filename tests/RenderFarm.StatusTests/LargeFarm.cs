using RenderFarm.LoadGenerator;

namespace RenderFarm.StatusTests;

/// <summary>A server holding a large farm, reported by the load generator's simulated instances.</summary>
public static class LargeFarm
{
    /// <summary>Long enough that no instance expires while a test reads the farm, without a heartbeat to keep it.</summary>
    public const string Ttl = "00:10:00";

    /// <summary>
    /// An instance with every text (scene, file, engine, device, job) at the longest the server keeps, 256 characters,
    /// in a script of three bytes a character, job 1–250: the largest an instance's reply can be.
    /// </summary>
    public static SimulatedInstance Longest(string host, string instance, bool rendering)
    {
        var text = string.Concat(Enumerable.Repeat("渲染農場", 64));
        return new SimulatedInstance(host, instance)
        {
            Rendering = rendering,
            JobFrameStart = 1,
            JobFrameEnd = 250,
            Scene = text,
            BlendFile = text,
            Engine = text,
            Device = text,
            Job = text,
        };
    }

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
