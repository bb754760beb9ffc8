using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Queries;

/// <summary>Which instances a status query asks for; null members match everything.</summary>
/// <param name="Host">The host's exact name.</param>
/// <param name="State">Rendering (stalled or not), stalled, or idle.</param>
/// <param name="HostContains">Part of the host's name, in any case: what a person types into the farm page's search box.</param>
/// <param name="Instance">The instance's exact name: with <paramref name="Host"/>, what a per-node check asks about.</param>
public readonly record struct StatusFilter(string? Host, InstanceState? State, string? HostContains = null, string? Instance = null)
{
    public static StatusFilter All => default;

    /// <summary>Reads the query parameters <c>host</c> and <c>state</c>; empty means "any".</summary>
    /// <returns>Null and the filter, or the parameter at fault and what is wrong with it.</returns>
    public static StatusQueryError? TryParse(string? host, string? state, out StatusFilter filter) =>
        TryParse(host, state, hostContains: null, out filter);

    /// <summary>Reads the query parameters <c>host</c>, <c>state</c> and <c>hostContains</c>; empty means "any".</summary>
    /// <returns>Null and the filter, or the parameter at fault and what is wrong with it.</returns>
    public static StatusQueryError? TryParse(string? host, string? state, string? hostContains, out StatusFilter filter) =>
        TryParse(host, state, hostContains, instance: null, out filter);

    /// <summary>Reads the query parameters <c>host</c>, <c>state</c>, <c>hostContains</c> and <c>instance</c>; empty means "any".</summary>
    /// <returns>Null and the filter, or the parameter at fault and what is wrong with it.</returns>
    public static StatusQueryError? TryParse(string? host, string? state, string? hostContains, string? instance, out StatusFilter filter)
    {
        filter = All;
        if (!string.IsNullOrEmpty(host) && IdentityRules.Error("host", host) is { } hostError)
        {
            return new StatusQueryError("host", hostError);
        }

        if (!string.IsNullOrEmpty(instance) && IdentityRules.Error("instance", instance) is { } instanceError)
        {
            return new StatusQueryError("instance", instanceError);
        }

        // Any text may be searched for (it then matches nothing), but no host name is longer than this.
        if (hostContains?.Length > IdentityRules.MaxIdentityLength)
        {
            return new StatusQueryError("hostContains",
                $"hostContains: must be at most {IdentityRules.MaxIdentityLength} characters, was {hostContains.Length}");
        }

        InstanceState? parsedState = null;
        if (!string.IsNullOrEmpty(state))
        {
            parsedState = ParseState(state);
            if (parsedState is null)
            {
                return new StatusQueryError("state", $"state: must be 'rendering', 'stalled' or 'idle', was '{Shorten(state)}'");
            }
        }

        filter = new StatusFilter(string.IsNullOrEmpty(host) ? null : host, parsedState,
            string.IsNullOrEmpty(hostContains) ? null : hostContains, string.IsNullOrEmpty(instance) ? null : instance);
        return null;
    }

    /// <summary>Whether the instance <paramref name="key"/>, rendering (and stalled) or not, matches: all a filter looks at.</summary>
    public bool Matches(InstanceKey key, bool rendering, bool stalled = false) =>
        (Host is null || string.Equals(key.Host, Host, StringComparison.Ordinal))
        && (Instance is null || string.Equals(key.Instance, Instance, StringComparison.Ordinal))
        && (HostContains is null || key.Host.Contains(HostContains, StringComparison.OrdinalIgnoreCase))
        && State switch
        {
            null => true,
            InstanceState.Idle => !rendering,
            InstanceState.Stalled => rendering && stalled,
            _ => rendering,
        };

    // Echoing a value back helps whoever typed it; echoing a megabyte does not.
    internal static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";

    private static InstanceState? ParseState(string state) => state.ToLowerInvariant() switch
    {
        "rendering" => InstanceState.Rendering,
        "idle" => InstanceState.Idle,
        "stalled" => InstanceState.Stalled,
        _ => null,
    };
}

/// <summary>A query value the status API refuses: the parameter and a message naming it.</summary>
public sealed record StatusQueryError(string Parameter, string Message);
