namespace RenderFarm.Testing;

/// <summary>The add-on's transports as its RENDERFARM_TRANSPORT setting names them.</summary>
public static class AddonTransport
{
    /// <summary>Native gRPC over HTTP/2 (grpcio).</summary>
    public const string Native = "grpc";

    /// <summary>gRPC-Web over HTTP/1.1 (Python's standard library).</summary>
    public const string GrpcWeb = "grpc-web";
}
