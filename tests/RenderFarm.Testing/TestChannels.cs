using Grpc.Net.Client;
using Grpc.Net.Client.Web;

namespace RenderFarm.Testing;

/// <summary>Channels to a running server, the two ways clients reach it.</summary>
public static class TestChannels
{
    /// <summary>Native gRPC over HTTP/2 on the gRPC port.</summary>
    public static GrpcChannel Native(ServerProcess server) => GrpcChannel.ForAddress(server.GrpcAddress);

    /// <summary>gRPC-Web over HTTP/1.1 on the HTTP port, as the standard-library add-on talks.</summary>
    public static GrpcChannel GrpcWeb(ServerProcess server) => GrpcChannel.ForAddress(server.HttpAddress, new GrpcChannelOptions
    {
        HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, new HttpClientHandler()),
        HttpVersion = new Version(1, 1),
        HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    });
}
