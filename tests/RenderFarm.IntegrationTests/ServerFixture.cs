using RenderFarm.Testing;

namespace RenderFarm.IntegrationTests;

/// <summary>One server with default settings, shared by a test class; tests use distinct host names.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public Farm Farm { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ServerProcess.StartAsync();
        Farm = new Farm(Server);
    }

    public async Task DisposeAsync()
    {
        Farm.Dispose();
        await Server.DisposeAsync();
    }
}
