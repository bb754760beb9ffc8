using Microsoft.Extensions.Configuration.Memory;

namespace RenderFarm.Server.Startup;

/// <summary>
/// The web host, the same whichever folder the server is started from: systemd starts
/// services in /, a shell wherever it stands.
/// </summary>
public static class ServerHost
{
    /// <summary>
    /// Defaults that hold even when appsettings.json is missing; the file, the environment and
    /// the command line override them. Nothing is logged per request.
    /// </summary>
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Grpc"] = "Warning",
    };

    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // appsettings.json is found next to the binary, not in the working directory.
            ContentRootPath = AppContext.BaseDirectory,
            // Configuration is read once: watching it would put an inotify watch on every folder under
            // the content root (all of / when that is the root), and the tokens file has its own check.
            Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults });
        StartFailure.QuietFailedStartLog(builder.Logging);
        return builder;
    }
}
