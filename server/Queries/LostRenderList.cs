using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Queries;

/// <summary>The status API's recently lost renders.</summary>
/// <param name="RetentionSeconds">How long a lost render stays listed (RenderFarm:LostRenderRetention).</param>
/// <param name="LostRenders">Oldest first: the newest that fit in the reply's budget.</param>
/// <param name="Omitted">How many older ones were left out to keep the reply within its budget.</param>
public sealed record LostRenderList(double RetentionSeconds, IReadOnlyList<LostRenderStatus> LostRenders, int Omitted);

/// <summary>One lost or failed render: where, what (job, file, frame), when, and how the server knew.</summary>
/// <param name="Cause">expired (no report for a TTL while rendering), replaced (a new Blender took the instance over), or failed
/// (its Blender said it ended neither completed nor cancelled).</param>
/// <param name="Reason">A failed render's reason as its Blender told it ("output not written: …"); empty when unknown or lost.</param>
public sealed record LostRenderStatus(string Host, string Instance, string RenderJob, string File, int Frame, DateTimeOffset LostAt, string Cause,
    string Reason)
{
    public static LostRenderStatus From(LostRender lost) => new(lost.Host, lost.Instance, lost.RenderJob, lost.BlendFile, lost.Frame,
        lost.LostAt, CauseName(lost.Cause), lost.Reason);

    private static string CauseName(LostRenderCause cause) => cause switch
    {
        LostRenderCause.Expired => "expired",
        LostRenderCause.Replaced => "replaced",
        _ => "failed",
    };
}
