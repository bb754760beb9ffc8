using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using RenderFarm.Contracts.V1;

namespace RenderFarm.IntegrationTests;

public sealed class TlsTests(ITestOutputHelper output) : IDisposable
{
    private readonly TestCertificates _pki = TestCertificates.Create();

    [Fact]
    public async Task With_a_default_certificate_both_ports_serve_tls()
    {
        await using var server = await ServerProcess.StartAsync(_pki.ServerSettings, output);
        Assert.Equal("https", server.GrpcAddress.Scheme);

        using var native = GrpcChannel.ForAddress(server.GrpcAddress, new GrpcChannelOptions { HttpHandler = _pki.TrustingHandler() });
        using var web = GrpcChannel.ForAddress(server.HttpAddress, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, _pki.TrustingHandler()),
        });
        using var http = new HttpClient(_pki.TrustingHandler()) { BaseAddress = server.HttpAddress };

        Assert.True((await new Reporter.ReporterClient(native).ReportAsync(Farm.Report("tls-node", instance: "native"))).Applied);
        Assert.True((await new Reporter.ReporterClient(web).ReportAsync(Farm.Report("tls-node", instance: "web"))).Applied);
        var scrape = Exposition.Parse(await http.GetStringAsync("/metrics"));
        Assert.NotNull(scrape.Instance("Blender_Render", "tls-node", "native"));
        Assert.NotNull(scrape.Instance("Blender_Render", "tls-node", "web"));

        using var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}") };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetStringAsync("/metrics"));
    }

    public void Dispose() => _pki.Dispose();
}
