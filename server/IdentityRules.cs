namespace RenderFarm.Server;

/// <summary>
/// What a host, instance or session id may be, wherever one comes in: a report, a sign-off, a
/// status query, the check command. Host and instance become Prometheus label values, so they
/// are bounded and restricted.
/// </summary>
public static class IdentityRules
{
    public const int MaxIdentityLength = 128;

    /// <summary>Null when <paramref name="value"/> is a valid host, instance or session id.</summary>
    public static string? Error(string field, string value)
    {
        if (value.Length == 0)
        {
            return $"{field}: must not be empty";
        }

        if (value.Length > MaxIdentityLength)
        {
            return $"{field}: must be at most {MaxIdentityLength} characters, was {value.Length}";
        }

        foreach (var c in value)
        {
            if (!IsIdentityChar(c))
            {
                return $"{field}: only letters, digits, '.', '_', '-' and ':' are allowed, found U+{(int)c:X4}";
            }
        }

        return null;
    }

    private static bool IsIdentityChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':';
}
