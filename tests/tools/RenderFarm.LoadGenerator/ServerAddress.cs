namespace RenderFarm.LoadGenerator;

public enum Transport
{
    /// <summary>Native gRPC over HTTP/2, the grpcio path of the add-on.</summary>
    Grpc,

    /// <summary>gRPC-Web over HTTP/1.1, the standard-library path of the add-on.</summary>
    GrpcWeb,
}

/// <summary>
/// Where reports go, written the way the add-on's <c>RENDERFARM_SERVER</c> is: <c>host</c>,
/// <c>host:port</c>, <c>grpc://</c>/<c>grpcs://</c> (native, default port 50051) or
/// <c>http://</c>/<c>https://</c> (gRPC-Web, default port 8000).
/// </summary>
public sealed record ServerAddress(Uri Uri, Transport Transport)
{
    public const int DefaultGrpcPort = 50051;
    public const int DefaultHttpPort = 8000;

    public override string ToString() => $"{Uri} ({(Transport == Transport.Grpc ? "native gRPC" : "gRPC-Web")})";

    public static ServerAddress Parse(string text)
    {
        var value = text.Trim();
        if (value.Length == 0)
        {
            throw new FormatException("server address: must not be empty");
        }

        var (scheme, rest) = value.IndexOf("://", StringComparison.Ordinal) is var at and >= 0
            ? (value[..at].ToLowerInvariant(), value[(at + 3)..])
            : ("grpc", value);
        var (transport, tls, defaultPort) = scheme switch
        {
            "grpc" => (Transport.Grpc, false, DefaultGrpcPort),
            "grpcs" => (Transport.Grpc, true, DefaultGrpcPort),
            "http" => (Transport.GrpcWeb, false, DefaultHttpPort),
            "https" => (Transport.GrpcWeb, true, DefaultHttpPort),
            _ => throw new FormatException($"server address: unknown scheme '{scheme}' in '{text}'; use grpc://, grpcs://, http:// or https://"),
        };

        rest = rest.TrimEnd('/');
        if (!Uri.TryCreate($"{(tls ? "https" : "http")}://{rest}", UriKind.Absolute, out var uri)
            || uri.AbsolutePath != "/" || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException($"server address: '{text}' is not host, host:port or scheme://host:port");
        }

        if (uri.IsDefaultPort && !rest.EndsWith($":{uri.Port}", StringComparison.Ordinal))
        {
            uri = new UriBuilder(uri) { Port = defaultPort }.Uri;
        }

        return new ServerAddress(uri, transport);
    }
}
