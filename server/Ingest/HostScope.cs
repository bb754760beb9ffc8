using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Ingest;

/// <summary>
/// The hosts a token may report and sign off for: any host, or those matching one of its
/// patterns (<c>render-*,gpu-07</c>; <c>*</c> stands for any run of characters, case matters
/// as in the <c>host</c> label). A neighbour's token cannot write over another node's instances.
/// </summary>
public sealed class HostScope
{
    public static readonly HostScope AnyHost = new([]);

    /// <summary>Where a call's scope is kept in <see cref="Grpc.Core.ServerCallContext.UserState"/> once its token is checked.</summary>
    public static readonly object UserStateKey = new();

    private readonly string[] _patterns;

    private HostScope(string[] patterns) => _patterns = patterns;

    public bool Allows(string host)
    {
        if (_patterns.Length == 0)
        {
            return true;
        }

        foreach (var pattern in _patterns)
        {
            if (Matches(pattern, host))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The most patterns one token's line may list: every refused report is matched against all of them (3,000 made each
    /// refusal cost 7-10 ms), and a render node's token names its own host or a few groups.
    /// </summary>
    public const int MaxPatterns = 64;

    /// <summary>Reads <c>pattern[,pattern…]</c>; null with <paramref name="error"/> naming the fault.</summary>
    public static HostScope? Parse(string text, out string? error)
    {
        var patterns = text.Split(',', StringSplitOptions.TrimEntries);
        if (patterns.Length > MaxPatterns)
        {
            error = $"{patterns.Length} host patterns, at most {MaxPatterns} on one line (give a group of hosts one pattern, 'render-*')";
            return null;
        }

        foreach (var pattern in patterns)
        {
            // A pattern is a host name in which '*' may stand anywhere.
            if (IdentityRules.Error("host pattern", pattern.Replace('*', 'a')) is not null)
            {
                error = $"host pattern '{pattern}': letters, digits, '.', '_', '-', ':' and '*', 1 to {IdentityRules.MaxIdentityLength} characters";
                return null;
            }
        }

        error = null;
        return new HostScope(patterns);
    }

    /// <summary>Glob match with '*' only, ordinal; linear backtracking to the last star.</summary>
    private static bool Matches(string pattern, string host)
    {
        int p = 0, h = 0, star = -1, resume = 0;
        while (h < host.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = h;
            }
            else if (p < pattern.Length && pattern[p] == host[h])
            {
                p++;
                h++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                h = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
