namespace RenderFarm.Server.Startup;

/// <summary>The valid key a misspelt one was most likely meant to be (fewest edits, case ignored).</summary>
public static class NearestKey
{
    public static string Among(IEnumerable<string> keys, string typed) =>
        keys.MinBy(key => Distance(key.ToUpperInvariant(), typed.ToUpperInvariant()))!;

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
