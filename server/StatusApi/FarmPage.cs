using System.Reflection;
using Microsoft.Net.Http.Headers;
using RenderFarm.Server.Exposition;
using RenderFarm.Server.Registry;

namespace RenderFarm.Server.StatusApi;

/// <summary>
/// GET /: the farm page for browsers, the metrics text for everyone else, because the
/// original exporter served its metrics on every path and scrapers still point at "/".
/// The page ships inside the server: no CDN, nothing to build at run time.
/// </summary>
public static class FarmPage
{
    private const string AssetPrefix = "/farm/";

    private static readonly Dictionary<string, (byte[] Content, string ContentType)> Assets = new(StringComparer.Ordinal)
    {
        ["index.html"] = (Load("index.html"), "text/html; charset=utf-8"),
        ["farm.css"] = (Load("farm.css"), "text/css; charset=utf-8"),
        ["farm.js"] = (Load("farm.js"), "text/javascript; charset=utf-8"),
    };

    public static void MapFarmPage(this IEndpointRouteBuilder app)
    {
        // Reads the embedded files now: a server built without them fails at start, not on a visit.
        ArgumentOutOfRangeException.ThrowIfZero(Assets.Count);
        app.MapGet("/", WriteRootAsync).ExcludeFromDescription();
        app.MapGet(AssetPrefix + "farm.css", context => WriteAssetAsync(context, "farm.css")).ExcludeFromDescription();
        app.MapGet(AssetPrefix + "farm.js", context => WriteAssetAsync(context, "farm.js")).ExcludeFromDescription();
    }

    /// <summary>True when the client says it takes HTML (q above 0), as browsers do for a page.</summary>
    public static bool WantsHtml(HttpRequest request)
    {
        IList<MediaTypeHeaderValue> accept;
        try
        {
            accept = request.GetTypedHeaders().Accept;
        }
        catch (FormatException)
        {
            return false; // A malformed Accept header still gets the metrics, never an error.
        }

        foreach (var mediaType in accept)
        {
            if ((mediaType.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)
                    || mediaType.MediaType.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase))
                && mediaType.Quality is not 0)
            {
                return true;
            }
        }

        return false;
    }

    private static Task WriteRootAsync(HttpContext context, InstanceRegistry registry)
    {
        context.Response.Headers.Vary = HeaderNames.Accept;
        return WantsHtml(context.Request)
            ? WriteAssetAsync(context, "index.html")
            : MetricsEndpoint.WriteAsync(context, registry);
    }

    private static Task WriteAssetAsync(HttpContext context, string name)
    {
        var (content, contentType) = Assets[name];
        var headers = context.Response.Headers;
        headers.ContentType = contentType;
        // Small files, and a new server version must show at once on a wall screen left open.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy =
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers.ContentLength = content.Length;
        return context.Response.Body.WriteAsync(content, context.RequestAborted).AsTask();
    }

    private static byte[] Load(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("RenderFarm.Server.FarmPage." + name)
            ?? throw new InvalidOperationException($"The farm page's {name} is missing from the server assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
