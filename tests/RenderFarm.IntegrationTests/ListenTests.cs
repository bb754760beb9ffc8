using System.Net;
using System.Net.Sockets;

namespace RenderFarm.IntegrationTests;

/// <summary>Where the server listens, and whom it answers: RenderFarm:ListenAddress, AllowedHosts, the connection cap.</summary>
public class ListenTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Listen_address_binds_both_ports_to_that_address_only()
    {
        await using var farm = await Farm.StartAsync(output, ("RenderFarm:ListenAddress", "127.0.0.1"));

        Assert.True((await farm.Native.ReportAsync(Farm.Report("bound"))).Applied);
        Assert.NotNull((await farm.ScrapeAsync()).Instance("Blender_Render", "bound", "0"));
        Assert.Contains(farm.Server.Log, line => line.Contains($"Now listening on: http://127.0.0.1:{farm.Server.GrpcPort}", StringComparison.Ordinal));
        Assert.Contains(farm.Server.Log, line => line.Contains($"Now listening on: http://127.0.0.1:{farm.Server.HttpPort}", StringComparison.Ordinal));
        Assert.DoesNotContain(farm.Server.Log, line => line.Contains("Now listening on: http://[::]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_allowed_hosts_set_a_foreign_host_header_is_refused_before_any_write()
    {
        await using var farm = await Farm.StartAsync(output, ("AllowedHosts", "renderfarm;127.0.0.1"));

        // What a DNS-rebinding page sends: the server's address, the attacker's host name.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/renderfarm.v1.Reporter/Report")
        {
            Content = new ByteArrayContent(RawGrpc.Frame(Google.Protobuf.MessageExtensions.ToByteArray(Farm.Report("rebound")))),
        };
        request.Headers.Host = "evil.example:8000";
        request.Content.Headers.ContentType = new("application/grpc-web");
        using var refused = await farm.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Null((await farm.ScrapeAsync()).Instance("Blender_Render", "rebound", "0"));
        Assert.True((await farm.GrpcWeb.ReportAsync(Farm.Report("allowed"))).Applied);
    }

    [Fact]
    public async Task Beyond_the_connection_cap_new_connections_are_closed_without_a_log_line_each()
    {
        // MaxInstances 1: the cap is 1 + 1000 connections over both ports.
        await using var farm = await Farm.StartAsync(output, ("RenderFarm:MaxInstances", "1"));
        var held = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 1100; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, farm.Server.HttpPort);
                held.Add(client);
            }

            // Kestrel closes the ones over the cap: a read on them ends at once.
            var closed = 0;
            foreach (var client in held.TakeLast(50))
            {
                client.ReceiveTimeout = 2000;
                var stream = client.GetStream();
                await stream.WriteAsync("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    closed += await stream.ReadAsync(new byte[256], timeout.Token) == 0 ? 1 : 0;
                }
                catch (IOException)
                {
                    closed++;
                }
            }

            output.WriteLine($"of the last 50 of 1,100 connections, {closed} were closed by the server");
            Assert.True(closed >= 50 - 5, $"only {closed} of the last 50 connections were refused");
        }
        finally
        {
            held.ForEach(client => client.Dispose());
        }

        Assert.DoesNotContain(farm.Server.Log, line => line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal));
        Assert.Equal("Healthy", await PollHealthyAsync(farm));
    }

    private static async Task<string> PollHealthyAsync(Farm farm)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return await farm.Http.GetStringAsync("/healthz");
            }
            catch (HttpRequestException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }
        }
    }
}
