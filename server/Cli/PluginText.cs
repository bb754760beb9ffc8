using System.Globalization;
using System.Text;

namespace RenderFarm.Server.Cli;

/// <summary>
/// Text for a monitoring plugin's output line. What the server sends may hold anything, and
/// Nagios, Icinga and the terminals that show their output act on control characters
/// (ESC starts a terminal escape, BEL rings) and bidi controls (U+202E turns the rest of the
/// line around): every such character is written as <c>\uXXXX</c> instead.
/// </summary>
public static class PluginText
{
    public static string Escape(string text)
    {
        if (!text.Any(IsUnsafe))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (IsUnsafe(c))
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    /// <summary>Controls (Cc), format characters (Cf: bidi controls, zero-width ones), line and paragraph separators, lone surrogates.</summary>
    private static bool IsUnsafe(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate;
}
