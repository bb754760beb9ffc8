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
    private RenderFarmOptions? _options;
    private bool _tls;

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
        (_options, _tls) = (options, tls);
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

    /// <summary>
    /// Says where the server listens and how it is set up, so one line answers an operator's first
    /// questions; tests read it to find ephemeral ports. Tokens are counted, never shown.
    /// </summary>
    public void LogBound()
    {
        var options = _options ?? new RenderFarmOptions();
        var authentication = Authentication(options);
        LogListening(GrpcPort, HttpPort, _tls ? "on" : "off", options.InstanceTtl, options.HeartbeatInterval, authentication);
    }

    private static string Authentication(RenderFarmOptions options)
    {
        var tokens = options.Tokens.Count(t => !string.IsNullOrWhiteSpace(t));
        var counted = tokens == 1 ? "1 token" : $"{tokens} tokens";
        var file = $"the tokens file {options.TokensFile}";
        return (tokens, string.IsNullOrEmpty(options.TokensFile)) switch
        {
            (0, true) => "off (anyone may report)",
            (_, true) => $"on ({counted})",
            (0, false) => $"on ({file})",
            _ => $"on ({counted} and {file})",
        };
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "RenderFarm listening: native gRPC on port {GrpcPort}, HTTP/1.1 (metrics, health, gRPC-Web) on port {HttpPort}; " +
            "TLS {Tls}; instance TTL {InstanceTtl}, heartbeat {HeartbeatInterval}; authentication {Authentication}")]
    private partial void LogListening(int grpcPort, int httpPort, string tls, TimeSpan instanceTtl, TimeSpan heartbeatInterval, string authentication);
}
