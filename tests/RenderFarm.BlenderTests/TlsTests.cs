using RenderFarm.Testing;
using Xunit.Abstractions;

namespace RenderFarm.BlenderTests;

/// <summary>
/// The server on TLS with a certificate from a private CA: the add-on trusts it through
/// RENDERFARM_CA on both transports, and refuses a server its CA did not sign, saying so once.
/// </summary>
public sealed class TlsTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TestCertificates _pki = TestCertificates.Create();
    private readonly TestCertificates _otherPki = TestCertificates.Create("Some other CA");

    [Theory]
    [MemberData(nameof(BlenderVersion.NamesAndTransports), MemberType = typeof(BlenderVersion))]
    public async Task Add_on_reports_over_tls_trusting_the_configured_ca(string version, string transport)
    {
        await using var server = await ServerProcess.StartAsync(_pki.ServerSettings, output);
        using var scraper = new Scraper(server, _pki.TrustingHandler());
        var host = Transport.UniqueHost("tls");
        await using var blender = await BlenderRun.IdleAsync(BlenderVersion.Named(version), TlsSetting(server, transport), host, output,
            new Dictionary<string, string>(Transport.Environment(transport)) { ["RENDERFARM_CA"] = _pki.CaPath });

        await scraper.UntilAsync(s => s.Instance("Blender_Render", host, "0") == 0, Deadline, "reporting over TLS");
        Assert.Equal(0, await blender.ReleaseAsync(Deadline));
        Assert.DoesNotContain((await scraper.ScrapeAsync()).Samples, s => s.Label("host") == host);
        Assert.Contains(blender.AddonLines(), l => l.Contains("trusting the CA", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BlenderVersion.NamesAndTransports), MemberType = typeof(BlenderVersion))]
    public async Task Add_on_refuses_a_server_its_ca_did_not_sign_and_says_so_once(string version, string transport)
    {
        await using var server = await ServerProcess.StartAsync(_pki.ServerSettings, output);
        using var scraper = new Scraper(server, _pki.TrustingHandler());
        var host = Transport.UniqueHost("wrong-ca");
        await using var blender = await BlenderRun.IdleAsync(BlenderVersion.Named(version), TlsSetting(server, transport), host, output,
            new Dictionary<string, string>(Transport.Environment(transport)) { ["RENDERFARM_CA"] = _otherPki.CaPath });

        var refused = await blender.WaitForLineAsync(l => l.Contains("does not trust", StringComparison.Ordinal), Deadline);
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Contains("RENDERFARM_CA", refused);
        Assert.Single(blender.AddonLines(), l => l.Contains("does not trust", StringComparison.Ordinal));
        Assert.DoesNotContain(blender.Lines, l => l.Contains("Handshake failed", StringComparison.Ordinal));
        Assert.DoesNotContain((await scraper.ScrapeAsync()).Samples, s => s.Label("host") == host);
        Assert.Equal(0, await blender.ReleaseAsync(Deadline));
    }

    public void Dispose()
    {
        _pki.Dispose();
        _otherPki.Dispose();
    }

    private static string TlsSetting(ServerProcess server, string transport) => transport == Transport.Native
        ? $"grpcs://localhost:{server.GrpcPort}"
        : $"https://localhost:{server.HttpPort}";
}
