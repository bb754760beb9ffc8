using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
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
            .WithSummary("Blender instances that reported within the TTL")
            .WithDescription("Sorted by host, then instance. Filters: host (exact name) and state (rendering or idle).");
        api.MapGet("/hosts/{host}", GetHost)
            .WithName("GetHost")
            .WithSummary("Every instance of one host")
            .WithDescription("404 when no instance of the host reported within the TTL.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/lost-renders", ListLostRenders)
            .WithName("ListLostRenders")
            .WithSummary("Renders lost recently: Blenders gone mid-render without signing off")
            .WithDescription("Oldest first, kept for RenderFarm:LostRenderRetention. A clean exit, even mid-render, and an idle instance "
                + "that stops reporting are not lost renders.");
    }

    internal static Ok<LostRenderList> ListLostRenders(FarmStatusReader reader) => TypedResults.Ok(reader.LostRenders());

    internal static Results<Ok<InstanceList>, ValidationProblem> ListInstances(
        [Description("Only this host (exact name).")] string? host,
        [Description("Only instances in this state: rendering or idle.")] string? state,
        FarmStatusReader reader)
    {
        if (StatusFilter.TryParse(host, state, out var filter) is { } error)
        {
            return Invalid(error);
        }

        var instances = reader.List(filter);
        return TypedResults.Ok(new InstanceList(FarmSummary.Of(instances), reader.TtlSeconds, instances));
    }

    internal static Results<Ok<HostStatus>, ValidationProblem, ProblemHttpResult> GetHost(
        [Description("The host's name, as its instances report it.")] string host, FarmStatusReader reader)
    {
        if (StatusFilter.TryParse(host, state: null, out var filter) is { } error)
        {
            return Invalid(error);
        }

        var instances = reader.List(filter);
        if (instances.Count == 0)
        {
            return TypedResults.Problem(
                title: "Unknown host",
                detail: $"host: no instance of '{host}' reported within the instance TTL ({reader.Ttl})",
                statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["ttlSeconds"] = reader.TtlSeconds });
        }

        return TypedResults.Ok(new HostStatus(host, FarmSummary.Of(instances), reader.TtlSeconds, instances));
    }

    private static ValidationProblem Invalid(StatusQueryError error) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [error.Parameter] = [error.Message] },
            detail: error.Message,
            title: $"Invalid parameter '{error.Parameter}'");
}
