using Microsoft.Net.Http.Headers;

namespace RenderFarm.Server.Exposition;

/// <summary>What a scrape asked for: the format and whether the body is gzip-compressed.</summary>
public readonly record struct ScrapeChoice(ScrapeFormat Format, bool Gzip)
{
    public string ContentType => Format == ScrapeFormat.OpenMetrics
        ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
        : "text/plain; version=0.0.4; charset=utf-8";
}

/// <summary>
/// Chooses the answer's format from <c>?format=</c> (for people with curl) or else the <c>Accept</c> header, and gzip
/// from <c>Accept-Encoding</c>. A pure function of the request's text, so that every case is a unit test.
/// </summary>
public static class ScrapeNegotiation
{
    public const string FormatParameter = "format";

    /// <returns>The choice, or a one-line error for a <c>?format=</c> this server does not know.</returns>
    public static (ScrapeChoice Choice, string? Error) Choose(string? formatParameter, string? accept, string? acceptEncoding)
    {
        var gzip = AcceptsGzip(acceptEncoding);
        if (formatParameter is not null)
        {
            return formatParameter.ToLowerInvariant() switch
            {
                "text" or "prometheus" => (new ScrapeChoice(ScrapeFormat.Text, gzip), null),
                "openmetrics" => (new ScrapeChoice(ScrapeFormat.OpenMetrics, gzip), null),
                _ => (default, $"format must be 'text' (Prometheus text 0.0.4) or 'openmetrics' (OpenMetrics 1.0), was '{Shorten(formatParameter)}'"),
            };
        }

        return (new ScrapeChoice(FormatOf(accept), gzip), null);
    }

    /// <summary>
    /// OpenMetrics when the scraper prefers it (the highest quality among the types it accepts that this server
    /// writes; the earlier one on a tie), else the classic text. OpenMetrics 1.0.0 only, or with no version given:
    /// 0.0.1 differs from it, and a scraper that asks for that alone reads the classic text as well.
    /// </summary>
    private static ScrapeFormat FormatOf(string? accept)
    {
        if (string.IsNullOrEmpty(accept) || !MediaTypeHeaderValue.TryParseList([accept], out var ranges))
        {
            return ScrapeFormat.Text;
        }

        var (best, bestQuality) = (ScrapeFormat.Text, -1.0);
        foreach (var range in ranges)
        {
            // A q that does not parse, or lies outside 0 to 1, makes the range unusable (RFC 9110 12.4.2 allows no other
            // value), not a q of 1 nor one that outranks every valid range.
            if ((range.Quality is null && NameValueHeaderValue.Find(range.Parameters, "q") is not null) || range.Quality > 1)
            {
                continue;
            }

            var quality = range.Quality ?? 1.0;
            if (quality <= bestQuality || quality <= 0)
            {
                continue;
            }

            // A parameter's value may be quoted: version="1.0.0" is version=1.0.0.
            var version = NameValueHeaderValue.Find(range.Parameters, "version")?.Value;
            if (range.MediaType.Equals("application/openmetrics-text", StringComparison.OrdinalIgnoreCase)
                && (version is null || HeaderUtilities.RemoveQuotes(version.Value).Equals("1.0.0", StringComparison.Ordinal)))
            {
                (best, bestQuality) = (ScrapeFormat.OpenMetrics, quality);
            }
            else if (range.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase) || range.MatchesAllTypes
                || range.MediaType.Equals("text/*", StringComparison.OrdinalIgnoreCase))
            {
                (best, bestQuality) = (ScrapeFormat.Text, quality);
            }
        }

        return best;
    }

    /// <summary>True when <c>Accept-Encoding</c> lists gzip (or <c>*</c>) with a quality above zero.</summary>
    private static bool AcceptsGzip(string? acceptEncoding)
    {
        if (string.IsNullOrEmpty(acceptEncoding) || !StringWithQualityHeaderValue.TryParseList([acceptEncoding], out var codings))
        {
            return false;
        }

        var gzip = codings.FirstOrDefault(c => c.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase))
            ?? codings.FirstOrDefault(c => c.Value.Equals("*", StringComparison.Ordinal));
        return gzip is not null && (gzip.Quality ?? 1.0) > 0;
    }

    // The value goes back in a one-line answer: at most 40 characters, none that would break the line.
    private static string Shorten(string value) =>
        string.Concat(value.Take(40).Select(c => char.IsControl(c) ? '?' : c)) + (value.Length > 40 ? "…" : "");
}
