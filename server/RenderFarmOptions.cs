using System.ComponentModel.DataAnnotations;

namespace RenderFarm.Server;

/// <summary>The <c>RenderFarm</c> configuration section. Validated at start.</summary>
public sealed class RenderFarmOptions : IValidatableObject
{
    public const string Section = "RenderFarm";

    /// <summary>Native gRPC over HTTP/2. 0 picks a free port (tests).</summary>
    [Range(0, 65535, ErrorMessage = "RenderFarm:GrpcPort must be between {1} and {2}.")]
    public int GrpcPort { get; set; } = 50051;

    /// <summary>HTTP/1.1: /metrics, health, gRPC-Web. 0 picks a free port (tests).</summary>
    [Range(0, 65535, ErrorMessage = "RenderFarm:HttpPort must be between {1} and {2}.")]
    public int HttpPort { get; set; } = 8000;

    /// <summary>The one IP address both ports listen on; empty: every interface.</summary>
    public string? ListenAddress { get; set; }

    /// <summary>An instance that has not reported for this long is forgotten.</summary>
    public TimeSpan InstanceTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often clients are asked to report when nothing changes.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a lost render (a Blender gone mid-render without signing off) stays listed in the status API and on
    /// /metrics, where the shipped rules raise RenderFarmRenderLost for it.
    /// </summary>
    public TimeSpan LostRenderRetention { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a host's frame-time histogram outlives its last instance: render managers start a Blender per task, and
    /// the host's totals must last from one task to the next, yet go with a burst node that is gone for good.
    /// </summary>
    public TimeSpan HostRetention { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A rendering instance is stalled once Blender has shown no progress in its frame for this long (a hung GPU driver,
    /// a deadlock, a driver script in an endless loop), or its frame has run for longer than this and five times its
    /// host's 95th-percentile frame; the shipped rules raise RenderFarmRenderStalled for it.
    /// </summary>
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>New instances beyond this many are refused with RESOURCE_EXHAUSTED.</summary>
    [Range(1, 10_000_000, ErrorMessage = "RenderFarm:MaxInstances must be between {1} and {2}.")]
    public int MaxInstances { get; set; } = 100_000;

    /// <summary>Bearer tokens accepted from reporters; empty means no authentication.</summary>
    public List<string> Tokens { get; set; } = [];

    /// <summary>
    /// A file of further tokens, one per line (a mounted Kubernetes Secret), re-read when it
    /// changes. When set, authentication is on even while the file holds no token.
    /// </summary>
    public string? TokensFile { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HeartbeatInterval < TimeSpan.FromMilliseconds(100) || HeartbeatInterval > TimeSpan.FromHours(1))
        {
            yield return Error(nameof(HeartbeatInterval), $"must be between 00:00:00.1 and 01:00:00, was {HeartbeatInterval}");
        }

        if (InstanceTtl <= HeartbeatInterval || InstanceTtl > TimeSpan.FromDays(1))
        {
            yield return Error(nameof(InstanceTtl), $"must exceed {Section}:{nameof(HeartbeatInterval)} ({HeartbeatInterval}) and be at most 1 day, was {InstanceTtl}");
        }

        if (LostRenderRetention < TimeSpan.FromSeconds(1) || LostRenderRetention > TimeSpan.FromDays(7))
        {
            yield return Error(nameof(LostRenderRetention), $"must be between 00:00:01 and 7.00:00:00, was {LostRenderRetention}");
        }

        if (StallAfter < TimeSpan.FromSeconds(1) || StallAfter > TimeSpan.FromDays(7))
        {
            yield return Error(nameof(StallAfter), $"must be between 00:00:01 and 7.00:00:00, was {StallAfter}");
        }

        if (HostRetention < TimeSpan.Zero || HostRetention > TimeSpan.FromDays(7))
        {
            yield return Error(nameof(HostRetention), $"must be between 00:00:00 and 7.00:00:00, was {HostRetention}");
        }

        if (GrpcPort != 0 && GrpcPort == HttpPort)
        {
            yield return Error(nameof(HttpPort), $"must differ from {Section}:{nameof(GrpcPort)} ({GrpcPort}): native gRPC and HTTP/1.1 need a port each");
        }

        for (var i = 0; i < Tokens.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Tokens[i]) || Tokens[i].Any(char.IsWhiteSpace))
            {
                yield return Error($"{nameof(Tokens)}:{i}", "must be a non-empty token without white space");
            }
        }

        if (!string.IsNullOrEmpty(ListenAddress) && !System.Net.IPAddress.TryParse(ListenAddress, out _))
        {
            yield return Error(nameof(ListenAddress), $"must be an IP address such as 10.0.0.5, 127.0.0.1 or ::1 (empty: every interface), was '{ListenAddress}'");
        }

        if (!string.IsNullOrEmpty(TokensFile) && !File.Exists(TokensFile))
        {
            yield return Error(nameof(TokensFile), $"names a file that does not exist: {TokensFile}");
        }
    }

    private static ValidationResult Error(string key, string message) =>
        new($"{Section}:{key} {message}.", [key]);
}
