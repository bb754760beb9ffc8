namespace RenderFarm.BlenderTests;

/// <summary>How a test points the add-on at the server: native gRPC (grpcio) or gRPC-Web (standard library).</summary>
public static class Transport
{
    public const string Native = AddonTransport.Native;
    public const string GrpcWeb = AddonTransport.GrpcWeb;

    public static string ServerSetting(ServerProcess server, string transport) =>
        ServerSetting(server.GrpcPort, server.HttpPort, transport);

    public static string ServerSetting(int grpcPort, int httpPort, string transport) => transport == Native
        ? $"grpc://127.0.0.1:{grpcPort}"
        : $"http://127.0.0.1:{httpPort}";

    public static Dictionary<string, string> Environment(string transport) => new() { ["RENDERFARM_TRANSPORT"] = transport };

    public static string UniqueHost(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
}
