using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace RenderFarm.Server.Startup;

/// <summary>
/// A server that cannot start says why in one line per mistake on standard error and exits
/// with a sysexits code; an operator's mistake never ends in a stack trace.
/// </summary>
public static class StartFailure
{
    /// <summary>EX_CONFIG: the configuration is wrong; starting again will not help (systemd: RestartPreventExitStatus).</summary>
    public const int ConfigurationError = 78;

    /// <summary>EX_TEMPFAIL: a port is taken, perhaps by a server still stopping; a later start may succeed.</summary>
    public const int PortInUse = 75;

    /// <summary>The host logs a failed start with its stack trace; until the server listens, RunAsync says it in one line instead.</summary>
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    private static volatile bool s_started;

    public static int Report(IEnumerable<string> lines, int exitCode)
    {
        foreach (var line in lines)
        {
            Console.Error.WriteLine(line);
        }

        return exitCode;
    }

    /// <summary>Keeps the host's own report of a failed start out of the log (RunAsync gives the line); later errors pass.</summary>
    public static void QuietFailedStartLog(ILoggingBuilder logging) =>
        logging.AddFilter(HostCategory, level => level >= LogLevel.Information && (s_started || level < LogLevel.Error));

    /// <summary>
    /// Builds the server, maps its endpoints and runs it until it is stopped; a start that fails on a
    /// known mistake returns its exit code.
    /// </summary>
    public static async Task<int> RunAsync(WebApplicationBuilder builder, Func<WebApplication, WebApplication> map)
    {
        WebApplication app;
        try
        {
            // Building configures Kestrel, which loads the TLS certificate.
            app = map(builder.Build());
        }
        catch (Exception e) when (CertificateMistake(builder.Configuration, e) is { } line)
        {
            return Report([line], ConfigurationError);
        }

        // Disposed however the run ends: the console logger then writes its last lines, singletons are released.
        await using (app)
        {
            try
            {
                await app.StartAsync();
            }
            catch (IOException e) when (e.InnerException is AddressInUseException)
            {
                return Report([PortInUseLine(app, e)], PortInUse);
            }
            catch (Exception e) when (e is SocketException || e.InnerException is SocketException)
            {
                return Report([CannotListenLine(app, (e as SocketException ?? (SocketException)e.InnerException!))], ConfigurationError);
            }
            catch (OptionsValidationException e)
            {
                return Report(e.Failures, ConfigurationError);
            }
            catch (Exception e) when (CertificateMistake(app.Configuration, e) is { } line)
            {
                return Report([line], ConfigurationError);
            }

            s_started = true;
            await app.WaitForShutdownAsync();
            return 0;
        }
    }

    /// <summary>
    /// A bind that fails for another reason than a taken port: an address this machine does not have
    /// (ListenAddress), or a port it may not use (below 1024 without the right, or outside a systemd unit's
    /// SocketBindAllow). The line names the keys that decide it.
    /// </summary>
    private static string CannotListenLine(WebApplication app, SocketException e)
    {
        var options = app.Services.GetRequiredService<IOptions<RenderFarmOptions>>().Value;
        var section = RenderFarmOptions.Section;
        var where = string.IsNullOrEmpty(options.ListenAddress) ? "every interface" : options.ListenAddress;
        var keys = e.SocketErrorCode == SocketError.AddressNotAvailable
            ? $"{section}:{nameof(RenderFarmOptions.ListenAddress)} must be an address of this machine"
            : $"check {section}:{nameof(RenderFarmOptions.GrpcPort)} and {section}:{nameof(RenderFarmOptions.HttpPort)} " +
              "(ports below 1024 need privileges; a systemd unit's SocketBindAllow must list both)";
        return $"cannot listen on {where}, ports {options.GrpcPort} and {options.HttpPort}: {e.Message}; {keys}.";
    }

    /// <summary>The line for a TLS certificate (or its key) that is missing, unreadable or not one; null for other failures.</summary>
    private static string? CertificateMistake(IConfiguration configuration, Exception e)
    {
        const string pathKey = ListenPorts.DefaultCertificateKey;
        const string keyPathKey = "Kestrel:Certificates:Default:KeyPath";
        var path = configuration[pathKey];
        if (string.IsNullOrEmpty(path) || e is not (IOException or UnauthorizedAccessException or CryptographicException))
        {
            return null;
        }

        var keyPath = configuration[keyPathKey];
        var key = e is FileNotFoundException { FileName: { } missing } && missing == keyPath ? keyPathKey : pathKey;
        return $"{key}: cannot use '{configuration[key]}' for TLS: {e.Message}";
    }

    private static string PortInUseLine(WebApplication app, IOException e)
    {
        var options = app.Services.GetRequiredService<IOptions<RenderFarmOptions>>().Value;
        var (key, port) = e.Message.Contains($":{options.GrpcPort}:", StringComparison.Ordinal)
            ? (nameof(RenderFarmOptions.GrpcPort), options.GrpcPort)
            : (nameof(RenderFarmOptions.HttpPort), options.HttpPort);
        return $"{RenderFarmOptions.Section}:{key}: port {port} is already in use (another RenderFarm server, or another program); " +
            $"stop that program or choose a free port, e.g. --{RenderFarmOptions.Section}:{key}={port + 1}.";
    }
}
