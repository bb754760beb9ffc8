using System.Net;
using System.Net.Sockets;

namespace RenderFarm.IntegrationTests;

/// <summary>An operator's configuration mistakes, run through the real executable: one line each, a sysexits code, no stack trace.</summary>
public class ConfigurationTests(ITestOutputHelper output)
{
    private const int ExConfig = 78;
    private const int ExTempFail = 75;

    [Theory]
    [InlineData("RenderFarm:InstanceTtl", "30s", "RenderFarm:InstanceTtl must be a duration written hh:mm:ss (00:00:30 is 30 seconds), was '30s'.")]
    [InlineData("RenderFarm:InstanceTtl", "00:00:03", "RenderFarm:InstanceTtl must exceed RenderFarm:HeartbeatInterval (00:00:05) and be at most 1 day, was 00:00:03.")]
    [InlineData("RenderFarm:MaxInstances", "-1", "RenderFarm:MaxInstances must be between 1 and 10000000.")]
    [InlineData("RenderFarm:MaxInstances", "many", "RenderFarm:MaxInstances must be a whole number, was 'many'.")]
    [InlineData("RenderFarm:HttpPort", "99999", "RenderFarm:HttpPort must be between 0 and 65535.")]
    [InlineData("RenderFarm:GrpcPort", "99999", "RenderFarm:GrpcPort must be between 0 and 65535.")]
    [InlineData("RenderFarm:InstanceTimeout", "00:00:10", "RenderFarm:InstanceTimeout is not a setting; did you mean RenderFarm:InstanceTtl? (in the environment: RenderFarm__InstanceTtl)")]
    [InlineData("RenderFarm:Token", "secret", "RenderFarm:Token is not a setting; did you mean RenderFarm:Tokens? (in the environment: RenderFarm__Tokens)")]
    public async Task Bad_setting_stops_the_server_with_one_line_naming_the_key(string key, string value, string expected)
    {
        var (exitCode, text) = await ServerProcess.RunToExitAsync(new Dictionary<string, string> { [key] = value });

        AssertOneLine(ExConfig, expected, exitCode, text);
    }

    [Theory]
    // A plain value for the token list is refused rather than leaving authentication off.
    [InlineData("RenderFarm__Tokens", "s3cr3t", "RenderFarm:Tokens is a list: give each item its index, RenderFarm:Tokens:0 (in the environment: RenderFarm__Tokens__0).")]
    [InlineData("RenderFarm__HeartbeatIntervall", "00:00:02", "RenderFarm:HeartbeatIntervall is not a setting; did you mean RenderFarm:HeartbeatInterval? (in the environment: RenderFarm__HeartbeatInterval)")]
    public async Task Bad_environment_variable_stops_the_server_with_one_line_naming_the_key_but_not_the_value(string variable, string value, string expected)
    {
        var (exitCode, text) = await ServerProcess.RunToExitAsync(environment: new Dictionary<string, string> { [variable] = value });

        AssertOneLine(ExConfig, expected, exitCode, text);
        Assert.DoesNotContain(value, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_address_this_machine_does_not_have_is_one_line_naming_the_key()
    {
        // 192.0.2.1 (TEST-NET-1) is on no interface here: the bind fails locally, nothing is sent anywhere.
        var (exitCode, text) = await ServerProcess.RunToExitAsync(new Dictionary<string, string> { ["RenderFarm:ListenAddress"] = "192.0.2.1" });

        AssertOneLine(ExConfig, "cannot listen on 192.0.2.1", exitCode, text);
        Assert.Contains("RenderFarm:ListenAddress must be an address of this machine", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_mistake_is_its_own_line()
    {
        var (exitCode, text) = await ServerProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["RenderFarm:InstanceTtl"] = "30s",
            ["RenderFarm:HeartbeatInterval"] = "5s",
        });

        Assert.Equal(ExConfig, exitCode);
        Assert.Equal(2, Lines(text).Length);
        Assert.All(Lines(text), line => Assert.Contains("must be a duration written hh:mm:ss", line));
    }

    [Theory]
    [InlineData("RenderFarm:HttpPort")]
    [InlineData("RenderFarm:GrpcPort")]
    public async Task Port_in_use_is_one_line_naming_the_key_that_sets_it(string key)
    {
        // Held on every interface, as the server binds it; no traffic is sent.
        using var taken = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        taken.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        taken.Listen();
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

        var (exitCode, text) = await ServerProcess.RunToExitAsync(new Dictionary<string, string> { [key] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        AssertOneLine(ExTempFail, $"{key}: port {port} is already in use", exitCode, text);
    }

    [Fact]
    public async Task Missing_or_unusable_tls_certificate_is_one_line_naming_the_key()
    {
        var notACertificate = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(notACertificate, "not a certificate\n");
            foreach (var (path, expected) in new[]
            {
                ("/nonexistent/server.pem", "Kestrel:Certificates:Default:Path: cannot use '/nonexistent/server.pem' for TLS:"),
                (notACertificate, $"Kestrel:Certificates:Default:Path: cannot use '{notACertificate}' for TLS:"),
            })
            {
                var (exitCode, text) = await ServerProcess.RunToExitAsync(new Dictionary<string, string> { ["Kestrel:Certificates:Default:Path"] = path });

                AssertOneLine(ExConfig, expected, exitCode, text);
            }
        }
        finally
        {
            File.Delete(notACertificate);
        }
    }

    [Fact]
    public async Task Start_up_line_states_ports_ttl_heartbeat_authentication_and_tls_but_no_token()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["RenderFarm:InstanceTtl"] = "00:00:40",
            ["RenderFarm:HeartbeatInterval"] = "00:00:04",
            ["RenderFarm:Tokens:0"] = "first-secret",
            ["RenderFarm:Tokens:1"] = "second-secret",
        }, output);

        var line = Assert.Single(server.Log, l => l.Contains("RenderFarm listening", StringComparison.Ordinal));
        Assert.Contains($"native gRPC on port {server.GrpcPort}", line);
        Assert.Contains($"on port {server.HttpPort}", line);
        Assert.Contains("TLS off; instance TTL 00:00:40, heartbeat 00:00:04; authentication on (2 tokens)", line);
        Assert.DoesNotContain(server.Log, l => l.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_up_line_says_when_anyone_may_report()
    {
        await using var server = await ServerProcess.StartAsync(output: output);

        Assert.Contains(server.Log, l => l.EndsWith("TLS off; instance TTL 00:00:30, heartbeat 00:00:05; authentication off (anyone may report)", StringComparison.Ordinal));
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void AssertOneLine(int expectedExitCode, string expected, int exitCode, string text)
    {
        Assert.Equal(expectedExitCode, exitCode);
        var line = Assert.Single(Lines(text));
        Assert.Contains(expected, line);
        Assert.DoesNotContain("Exception", text);
    }
}
