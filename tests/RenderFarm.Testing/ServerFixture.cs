using Xunit;

namespace RenderFarm.Testing;

/// <summary>One server with default settings, shared by a test class; tests use distinct host names.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public Farm Farm { get; private set; } = null!;

    public ServerProcess Server => Farm.Server;

    public async Task InitializeAsync() => Farm = await Farm.StartAsync();

    public async Task DisposeAsync() => await Farm.DisposeAsync();
}
