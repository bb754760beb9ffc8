using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Queries;

/// <summary>Which instances a status query asks for; null members match everything.</summary>
public readonly record struct StatusFilter(string? Host, InstanceState? State)
{
    public static StatusFilter All => default;

    /// <summary>Reads the query parameters <c>host</c> and <c>state</c>; empty means "any".</summary>
    /// <returns>Null and the filter, or the parameter at fault and what is wrong with it.</returns>
    public static StatusQueryError? TryParse(string? host, string? state, out StatusFilter filter)
    {
        filter = All;
        if (!string.IsNullOrEmpty(host) && IdentityRules.Error("host", host) is { } hostError)
        {
            return new StatusQueryError("host", hostError);
        }

        InstanceState? parsedState = null;
        if (!string.IsNullOrEmpty(state))
        {
            parsedState = ParseState(state);
            if (parsedState is null)
            {
                return new StatusQueryError("state", $"state: must be 'rendering' or 'idle', was '{Shorten(state)}'");
            }
        }

        filter = new StatusFilter(string.IsNullOrEmpty(host) ? null : host, parsedState);
        return null;
    }

    public bool Matches(InstanceEntry entry) =>
        (Host is null || string.Equals(entry.Key.Host, Host, StringComparison.Ordinal))
        && (State is null || entry.Report.Rendering == (State == InstanceState.Rendering));

    private static InstanceState? ParseState(string state) => state.ToLowerInvariant() switch
    {
        "rendering" => InstanceState.Rendering,
        "idle" => InstanceState.Idle,
        _ => null,
    };

    // Echoing a value back helps whoever typed it; echoing a megabyte does not.
    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";
}

/// <summary>A query value the status API refuses: the parameter and a message naming it.</summary>
public sealed record StatusQueryError(string Parameter, string Message);
