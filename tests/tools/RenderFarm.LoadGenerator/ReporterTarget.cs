using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using RenderFarm.Contracts.V1;

namespace RenderFarm.LoadGenerator;

/// <summary>
/// The RenderFarm server's Reporter service over native gRPC or gRPC-Web. Calls are spread
/// over several channels (connections), as a farm's many Blender processes would be.
/// </summary>
public sealed class ReporterTarget : IReportTarget
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly GrpcChannel[] _channels;
    private readonly Reporter.ReporterClient[] _clients;
    private readonly Metadata? _headers;
    private int _next;

    public ReporterTarget(ServerAddress address, int connections = 1, string? token = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        _channels = [.. Enumerable.Range(0, connections).Select(_ => CreateChannel(address))];
        _clients = [.. _channels.Select(channel => new Reporter.ReporterClient(channel))];
        _headers = string.IsNullOrEmpty(token) ? null : new Metadata { { "authorization", $"Bearer {token}" } };
        Description = $"RenderFarm server at {address}";
    }

    public string Description { get; }

    public async Task<TimeSpan?> ReportAsync(SimulatedInstance instance, CancellationToken cancellationToken)
    {
        var reply = await NextClient().ReportAsync(instance.NextReport(), _headers, DateTime.UtcNow + CallTimeout, cancellationToken);
        return TimeSpan.FromMilliseconds(reply.HeartbeatIntervalMs);
    }

    public async Task SignOffAsync(SimulatedInstance instance, CancellationToken cancellationToken) =>
        await NextClient().SignOffAsync(instance.SignOffRequest(), _headers, DateTime.UtcNow + CallTimeout, cancellationToken);

    public ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private Reporter.ReporterClient NextClient() =>
        _clients[(int)((uint)Interlocked.Increment(ref _next) % (uint)_clients.Length)];

    private static GrpcChannel CreateChannel(ServerAddress address)
    {
        var sockets = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            EnableMultipleHttp2Connections = true,
        };
        return address.Transport == Transport.Grpc
            ? GrpcChannel.ForAddress(address.Uri, new GrpcChannelOptions { HttpHandler = sockets })
            : GrpcChannel.ForAddress(address.Uri, new GrpcChannelOptions
            {
                // One HTTP/1.1 connection per call in flight, as each Blender has its own.
                HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, sockets),
                HttpVersion = new Version(1, 1),
                HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            });
    }
}
