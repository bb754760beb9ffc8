using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RenderFarm.Server.Queries;

namespace RenderFarm.Server.StatusApi;

/// <summary>The status API as JSON on the HTTP port, described at /openapi.json.</summary>
public static class StatusEndpoints
{
    public static void MapJsonApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Status");
        api.MapGet("/instances", ListInstances)
            .WithName("ListInstances")
            .WithSummary("Blender instances that reported within the TTL, a page at a time")
            .WithDescription("Sorted by host, then instance (numbers in names compared as numbers), or by orderBy. Filters: host "
                + "(exact name), hostContains (part of the name, any case) and state (rendering or idle). A page holds up to pageSize "
                + $"instances (default {InstancePage.DefaultSize}, at most {InstancePage.MaxSize}) and ends early rather than pass "
                + "1 MiB; next is the address of the next page, null on the last. Instances that come or go while a client walks "
                + "the pages make it skip or repeat no other one.");
        api.MapGet("/summary", GetSummary)
            .WithName("GetSummary")
            .WithSummary("The farm in a few numbers: instances and hosts by state, lost renders")
            .WithDescription("Cheap enough to ask every second, whatever the size of the farm.");
        api.MapGet("/hosts/{host}", GetHost)
            .WithName("GetHost")
            .WithSummary("The instances of one host, a page at a time, with the host's counts and oldest report")
            .WithDescription("Sorted by instance. instance asks for one instance of the host. summary and oldestReportAgeSeconds "
                + "count every instance of the host (or the one asked for), on every page, so pageSize=1 answers \"is it up, "
                + "does it render, how old is its oldest report\" in a few hundred bytes, whatever the host's size. Paged and "
                + "bounded to 1 MiB as /api/instances is; next is the next page's address. 404 when no instance of the host "
                + "(or no such instance) reported within the TTL.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/lost-renders", ListLostRenders)
            .WithName("ListLostRenders")
            .WithSummary("Renders lost or failed recently: Blenders gone mid-render without signing off, renders their Blender said failed")
            .WithDescription("Oldest first, kept for RenderFarm:LostRenderRetention. A clean exit, even mid-render, and an idle instance "
                + "that stops reporting are not lost renders. At most 1 MiB: the newest that fit, and in omitted how many older "
                + "ones were left out.");
    }

    internal static Ok<LostRenderList> ListLostRenders(FarmStatusReader reader, IOptions<JsonOptions> json)
    {
        var lost = reader.LostRenders();
        using var sizer = new JsonSize(json.Value.SerializerOptions);
        var envelope = sizer.Whole(new LostRenderList(reader.LostRenderRetentionSeconds, [], lost.Count));
        var shown = ReplyBudget.FitLast(lost, sizer.Of, envelope);
        return TypedResults.Ok(new LostRenderList(reader.LostRenderRetentionSeconds, [.. lost.Skip(lost.Count - shown)], lost.Count - shown));
    }

    internal static Ok<FarmOverview> GetSummary(FarmStatusReader reader) => TypedResults.Ok(reader.Overview());

    internal static Results<Ok<InstanceList>, ValidationProblem> ListInstances(
        [Description("Only this host (exact name).")] string? host,
        [Description("Only instances in this state: rendering or idle.")] string? state,
        [Description("Only hosts whose name contains this, in any case.")] string? hostContains,
        [Description("The field to sort by, then ' desc' for descending: host, instance, state, currentFrame, job.progress, "
            + "framesRendered, ageSeconds, file or blenderVersion. Ties go by host, then instance.")] string? orderBy,
        [Description("The most instances to return: 0 or absent for the default (1000), above 1000 for 1000.")] string? pageSize,
        [Description("nextPageToken of the previous page, with the same filters and order; absent for the first page.")] string? pageToken,
        FarmStatusReader reader, IOptions<JsonOptions> json, HttpRequest request)
    {
        if (StatusFilter.TryParse(host, state, hostContains, out var filter) is { } error)
        {
            return Invalid(error);
        }

        if (InstanceOrder.TryParse(orderBy, out var order) is { } orderError)
        {
            return Invalid(new StatusQueryError("orderBy", "orderBy: " + orderError));
        }

        if (ParseSize(pageSize, out var size) is { } sizeError)
        {
            return Invalid(new StatusQueryError("pageSize", "pageSize: " + sizeError));
        }

        var query = new InstanceQuery(filter, order);
        if (reader.TryPage(query, size, pageToken, out var page) is { } tokenError)
        {
            return Invalid(new StatusQueryError("pageToken", "pageToken: " + tokenError));
        }

        using var sizer = new JsonSize(json.Value.SerializerOptions);
        var envelope = sizer.Whole(new InstanceList(page.Summary, reader.TtlSeconds, [], PageToken.Longest,
            NextAddress(request, query, size, PageToken.Longest, withHost: true)));
        var shown = ReplyBudget.Fit(page.Instances, sizer.Of, envelope);
        var next = page.NextPageToken(shown);
        return TypedResults.Ok(new InstanceList(page.Summary, reader.TtlSeconds, [.. page.Instances.Take(shown)],
            next.Length == 0 ? null : next, next.Length == 0 ? null : NextAddress(request, query, size, next, withHost: true)));
    }

    /// <summary>Reads <paramref name="pageSize"/> as AIP-158 does; absent is the default.</summary>
    /// <returns>Null and the size to use, or what is wrong with it.</returns>
    private static string? ParseSize(string? pageSize, out int size)
    {
        size = InstancePage.DefaultSize;
        if (string.IsNullOrEmpty(pageSize))
        {
            return null;
        }

        return long.TryParse(pageSize, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var requested)
            ? InstancePage.TryResolveSize(requested, out size)
            : $"must be a whole number, was '{StatusFilter.Shorten(pageSize)}'";
    }

    /// <summary>The next page's address: this one's, with its filters and order spelled as the server reads them, and the token.</summary>
    /// <param name="withHost">Whether the host goes in the query string: not where the path names it.</param>
    private static string NextAddress(HttpRequest request, InstanceQuery query, int pageSize, string pageToken, bool withHost)
    {
        var parameters = new List<KeyValuePair<string, string?>>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parameters.Add(new(name, value));
            }
        }

        Add("host", withHost ? query.Filter.Host : null);
        Add("instance", query.Filter.Instance);
        Add("state", query.Filter.State?.Name());
        Add("hostContains", query.Filter.HostContains);
        Add("orderBy", query.Order == InstanceOrder.Default ? null : query.Order.ToString());
        Add("pageSize", pageSize.ToString(CultureInfo.InvariantCulture));
        Add("pageToken", pageToken);
        return $"{request.PathBase}{request.Path}{QueryString.Create(parameters)}";
    }

    internal static Results<Ok<HostStatus>, ValidationProblem, ProblemHttpResult> GetHost(
        [Description("The host's name, as its instances report it.")] string host,
        [Description("Only this instance of the host (exact name).")] string? instance,
        [Description("The most instances to return: 0 or absent for the default (1000), above 1000 for 1000.")] string? pageSize,
        [Description("nextPageToken of the previous page, with the same instance; absent for the first page.")] string? pageToken,
        FarmStatusReader reader, IOptions<JsonOptions> json, HttpRequest request)
    {
        if (StatusFilter.TryParse(host, state: null, hostContains: null, instance, out var filter) is { } error)
        {
            return Invalid(error);
        }

        if (ParseSize(pageSize, out var size) is { } sizeError)
        {
            return Invalid(new StatusQueryError("pageSize", "pageSize: " + sizeError));
        }

        var query = new InstanceQuery(filter, InstanceOrder.Default);
        if (reader.TryPage(query, size, pageToken, out var page) is { } tokenError)
        {
            return Invalid(new StatusQueryError("pageToken", "pageToken: " + tokenError));
        }

        if (page.Summary.Instances == 0)
        {
            return TypedResults.Problem(
                title: filter.Instance is null ? "Unknown host" : "Unknown instance",
                detail: filter.Instance is null
                    ? $"host: no instance of '{host}' reported within the instance TTL ({reader.Ttl})"
                    : $"instance: '{host}/{filter.Instance}' did not report within the instance TTL ({reader.Ttl})",
                statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["ttlSeconds"] = reader.TtlSeconds });
        }

        using var sizer = new JsonSize(json.Value.SerializerOptions);
        var envelope = sizer.Whole(new HostStatus(host, page.Summary, reader.TtlSeconds, [])
        {
            OldestReportAgeSeconds = page.OldestReportAgeSeconds,
            NextPageToken = PageToken.Longest,
            Next = NextAddress(request, query, size, PageToken.Longest, withHost: false),
        });
        var shown = ReplyBudget.Fit(page.Instances, sizer.Of, envelope);
        var next = page.NextPageToken(shown);
        return TypedResults.Ok(new HostStatus(host, page.Summary, reader.TtlSeconds, [.. page.Instances.Take(shown)])
        {
            OldestReportAgeSeconds = page.OldestReportAgeSeconds,
            NextPageToken = next.Length == 0 ? null : next,
            Next = next.Length == 0 ? null : NextAddress(request, query, size, next, withHost: false),
        });
    }

    private static ValidationProblem Invalid(StatusQueryError error) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [error.Parameter] = [error.Message] },
            detail: error.Message,
            title: $"Invalid parameter '{error.Parameter}'");
}
