using RenderFarm.Testing;

namespace RenderFarm.StatusTests;

/// <summary>One server with default settings, shared by a test class; tests use distinct host names.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public StatusFarm Farm { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ServerProcess.StartAsync();
        Farm = new StatusFarm(Server);
    }

    public async Task DisposeAsync()
    {
        Farm.Dispose();
        await Server.DisposeAsync();
    }
}
