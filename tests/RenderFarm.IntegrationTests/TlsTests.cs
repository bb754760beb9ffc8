using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using RenderFarm.Contracts.V1;
using RenderFarm.Testing;
using Xunit.Abstractions;

namespace RenderFarm.IntegrationTests;

public sealed class TlsTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("renderfarm-tls-").FullName;

    [Fact]
    public async Task With_a_default_certificate_both_ports_serve_tls()
    {
        var certificate = CreateCertificate();
        var certPath = Path.Combine(_directory, "server.crt");
        var keyPath = Path.Combine(_directory, "server.key");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Kestrel:Certificates:Default:Path"] = certPath,
            ["Kestrel:Certificates:Default:KeyPath"] = keyPath,
        }, output);
        Assert.Equal("https", server.GrpcAddress.Scheme);

        using var native = GrpcChannel.ForAddress(server.GrpcAddress, new GrpcChannelOptions { HttpHandler = Trusting(certificate) });
        using var web = GrpcChannel.ForAddress(server.HttpAddress, new GrpcChannelOptions
        {
            HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWeb, Trusting(certificate)),
        });
        using var http = new HttpClient(Trusting(certificate)) { BaseAddress = server.HttpAddress };

        Assert.True((await new Reporter.ReporterClient(native).ReportAsync(Farm.Report("tls-node", instance: "native"))).Applied);
        Assert.True((await new Reporter.ReporterClient(web).ReportAsync(Farm.Report("tls-node", instance: "web"))).Applied);
        var scrape = Exposition.Parse(await http.GetStringAsync("/metrics"));
        Assert.NotNull(scrape.Instance("Blender_Render", "tls-node", "native"));
        Assert.NotNull(scrape.Instance("Blender_Render", "tls-node", "web"));

        using var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}") };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetStringAsync("/metrics"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>A handler that trusts exactly this self-signed certificate.</summary>
    private static SocketsHttpHandler Trusting(X509Certificate2 certificate) => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, presented, _, _) =>
                presented is not null && presented.GetCertHash().SequenceEqual(certificate.GetCertHash()),
        },
    };
}
