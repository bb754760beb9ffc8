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
        await using var run = await TlsRun.StartAsync(_pki, version, transport, _pki.CaPath, output);

        await run.Scraper.UntilAsync(s => s.Instance("Blender_Render", run.Host, "0") == 0, Deadline, "reporting over TLS");
        Assert.Equal(0, await run.Blender.ReleaseAsync(Deadline));
        Assert.Empty((await run.Scraper.ScrapeAsync()).OfInstances(run.Host));
        Assert.Contains(run.Blender.AddonLines(), l => l.Contains("trusting the CA", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BlenderVersion.NamesAndTransports), MemberType = typeof(BlenderVersion))]
    public async Task Add_on_refuses_a_server_its_ca_did_not_sign_and_says_so_once(string version, string transport)
    {
        await using var run = await TlsRun.StartAsync(_pki, version, transport, _otherPki.CaPath, output);

        var refused = await run.Blender.WaitForLineAsync(l => l.Contains("does not trust", StringComparison.Ordinal), Deadline);
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Contains("RENDERFARM_CA", refused);
        Assert.Single(run.Blender.AddonLines(), l => l.Contains("does not trust", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Blender.Lines, l => l.Contains("Handshake failed", StringComparison.Ordinal));
        Assert.Empty((await run.Scraper.ScrapeAsync()).OfInstances(run.Host));
        Assert.Equal(0, await run.Blender.ReleaseAsync(Deadline));
    }

    public void Dispose()
    {
        _pki.Dispose();
        _otherPki.Dispose();
    }

    /// <summary>The server on TLS with <c>pki</c>'s certificate, and an idle Blender of <c>version</c> reporting to it over <c>transport</c>, told to trust <c>ca</c>.</summary>
    private sealed class TlsRun(ServerProcess server, Scraper scraper, string host) : IAsyncDisposable
    {
        public Scraper Scraper { get; } = scraper;

        public string Host { get; } = host;

        public BlenderRun Blender { get; private set; } = null!;

        public static async Task<TlsRun> StartAsync(TestCertificates pki, string version, string transport, string ca, ITestOutputHelper output)
        {
            var server = await ServerProcess.StartAsync(pki.ServerSettings, output);
            var run = new TlsRun(server, new Scraper(server, pki.TrustingHandler()), Transport.UniqueHost("tls"));
            try
            {
                var address = transport == Transport.Native ? $"grpcs://localhost:{server.GrpcPort}" : $"https://localhost:{server.HttpPort}";
                run.Blender = await BlenderRun.IdleAsync(BlenderVersion.Named(version), address, run.Host, output,
                    new Dictionary<string, string>(Transport.Environment(transport)) { ["RENDERFARM_CA"] = ca });
                return run;
            }
            catch
            {
                await run.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Blender is not null)
            {
                await Blender.DisposeAsync();
            }

            Scraper.Dispose();
            await server.DisposeAsync();
        }
    }
}
