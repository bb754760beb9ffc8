using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace RenderFarm.Server;

/// <summary>
/// Two ports, because Kestrel cannot serve HTTP/2 prior-knowledge and HTTP/1.1 on one
/// cleartext port: native gRPC on GrpcPort; /metrics, health and gRPC-Web on HttpPort.
/// </summary>
public sealed partial class ListenPorts(ILogger<ListenPorts> logger)
{
    /// <summary>Set the standard Kestrel way (Kestrel:Certificates:Default:Path) to serve both ports over TLS.</summary>
    public const string DefaultCertificateKey = "Kestrel:Certificates:Default:Path";

    private ListenOptions? _grpc;
    private ListenOptions? _http;

    /// <summary>The bound ports; meaningful once the server started (port 0 becomes a real one).</summary>
    public int GrpcPort => _grpc?.IPEndPoint?.Port ?? 0;

    public int HttpPort => _http?.IPEndPoint?.Port ?? 0;

    /// <summary>Concurrent calls on one HTTP/2 connection (Kestrel's default, stated so it stays deliberate).</summary>
    public const int MaxStreamsPerConnection = 100;

    /// <summary>
    /// Connections beyond one per instance the server may hold: Prometheus, probes, farm pages, checks.
    /// Each reporting Blender keeps one connection (native gRPC, or the add-on's kept-alive gRPC-Web).
    /// </summary>
    public const int ConnectionsBesideInstances = 1000;

    public void Configure(KestrelServerOptions kestrel, RenderFarmOptions options, IConfiguration configuration)
    {
        kestrel.AddServerHeader = false;
        // Both ports together; beyond it Kestrel closes new connections at once, so a flood of
        // idle sockets costs a bounded amount of memory.
        kestrel.Limits.MaxConcurrentConnections = options.MaxInstances + ConnectionsBesideInstances;
        // Request bodies are left to gRPC's own message limit (RenderFarmExtensions.MaxReceiveMessageSize),
        // which refuses an oversized message from its length prefix with RESOURCE_EXHAUSTED.
        kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        kestrel.Limits.Http2.MaxStreamsPerConnection = MaxStreamsPerConnection;

        var tls = !string.IsNullOrEmpty(configuration[DefaultCertificateKey]);
        Listen(kestrel, options.ListenAddress, options.GrpcPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (tls)
            {
                listen.UseHttps();
            }

            _grpc = listen;
        });
        Listen(kestrel, options.ListenAddress, options.HttpPort, listen =>
        {
            // With TLS, ALPN lets this port take HTTP/2 as well; in cleartext it is HTTP/1.1 only.
            listen.Protocols = tls ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
            if (tls)
            {
                listen.UseHttps();
            }

            _http = listen;
        });
    }

    /// <summary>Every interface (as before the setting existed), or the one address configured.</summary>
    private static void Listen(KestrelServerOptions kestrel, string? address, int port, Action<ListenOptions> configure)
    {
        if (string.IsNullOrEmpty(address))
        {
            kestrel.ListenAnyIP(port, configure);
        }
        else
        {
            kestrel.Listen(System.Net.IPAddress.Parse(address), port, configure);
        }
    }

    /// <summary>Says where the server listens; tests read this line to find ephemeral ports.</summary>
    public void LogBound() => LogListening(GrpcPort, HttpPort);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "RenderFarm listening: native gRPC on port {GrpcPort}, HTTP/1.1 (metrics, health, gRPC-Web) on port {HttpPort}")]
    private partial void LogListening(int grpcPort, int httpPort);
}
