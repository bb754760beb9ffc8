using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RenderFarm.UnitTests;

/// <summary>The unit tier's guard can fail: what it sees when a test starts a process or opens a socket.</summary>
/// <remarks>Alone, after the other tests: what they provoke would be seen by tests running beside them.</remarks>
[Collection(nameof(UnitTierGuardTests))]
[CollectionDefinition(nameof(UnitTierGuardTests), DisableParallelization = true)]
public class UnitTierGuardTests
{
    [Fact]
    public void A_process_started_is_seen()
    {
        Assert.Empty(UnitTierGuard.Violations);
        using (var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            process.WaitForExit();
        }

        Assert.Equal(["started a process"], UnitTierGuard.Violations);
        UnitTierGuard.Reset();
    }

    [Fact]
    public async Task A_socket_connected_is_seen()
    {
        Assert.Empty(UnitTierGuard.Violations);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        }

        Assert.Contains("opened a socket", UnitTierGuard.Violations);
        UnitTierGuard.Reset();
    }
}
