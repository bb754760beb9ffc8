using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace RenderFarm.IntegrationTests;

/// <summary>grpc.health.v1.Health beyond Check: nothing we ship watches, so nothing may be held open by Watch.</summary>
public class HealthWatchTests(ITestOutputHelper output)
{
    private const int Attempts = 4000;

    [Fact]
    public async Task Four_thousand_watches_with_long_service_names_hold_no_memory()
    {
        await using var server = await ServerProcess.StartAsync(output: output);
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        var client = new Health.HealthClient(channel);
        var service = new string('s', 60_000);
        var before = ResidentBytes(server);

        var calls = new List<AsyncServerStreamingCall<HealthCheckResponse>>();
        var outcomes = new Dictionary<string, int>();
        try
        {
            for (var i = 0; i < Attempts; i += 100)
            {
                var batch = Enumerable.Range(0, 100).Select(_ => client.Watch(new HealthCheckRequest { Service = service },
                    deadline: DateTime.UtcNow.AddSeconds(60))).ToList();
                calls.AddRange(batch);
                foreach (var outcome in await Task.WhenAll(batch.Select(FirstAnswerAsync)))
                {
                    outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                }
            }

            var during = ResidentBytes(server);
            output.WriteLine($"{Attempts} Watch attempts with 60 KB service names: server RSS {before / 1048576.0:F0} MiB before, "
                + $"{during / 1048576.0:F0} MiB with them all made (+{(during - before) / 1048576.0:F0} MiB); answers "
                + string.Join(", ", outcomes.Select(p => $"{p.Key}: {p.Value}")));

            Assert.DoesNotContain("open", outcomes.Keys);
            Assert.True(during - before < 64 * 1048576L, $"RSS grew by {(during - before) / 1048576.0:F0} MiB");
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await client.CheckAsync(new HealthCheckRequest())).Status);
        }
        finally
        {
            calls.ForEach(call => call.Dispose());
        }
    }

    [Fact]
    public async Task Check_refuses_a_long_service_name()
    {
        await using var server = await ServerProcess.StartAsync(output: output);
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var client = new Health.HealthClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.CheckAsync(new HealthCheckRequest { Service = new string('s', 1000) }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("service:", error.Status.Detail);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => client.CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    /// <summary>"open" when the stream answered and stays open, else the status it ended with.</summary>
    private static async Task<string> FirstAnswerAsync(AsyncServerStreamingCall<HealthCheckResponse> call)
    {
        try
        {
            return await call.ResponseStream.MoveNext(CancellationToken.None) ? "open" : "ended";
        }
        catch (RpcException e)
        {
            return e.StatusCode.ToString();
        }
    }

    private static long ResidentBytes(ServerProcess server)
    {
        using var process = Process.GetProcessById(server.ProcessId);
        process.Refresh();
        return process.WorkingSet64;
    }
}
