using RenderFarm.Server.Registry;

namespace RenderFarm.Server.Queries;

/// <summary>The status API's recently lost renders.</summary>
/// <param name="RetentionSeconds">How long a lost render stays listed (RenderFarm:LostRenderRetention).</param>
/// <param name="LostRenders">Oldest first: the newest that fit in the reply's budget.</param>
/// <param name="Omitted">How many older ones were left out to keep the reply within its budget.</param>
public sealed record LostRenderList(double RetentionSeconds, IReadOnlyList<LostRenderStatus> LostRenders, int Omitted);

/// <summary>One lost render: where, what (job, file, frame), when, and how the server knew.</summary>
/// <param name="Cause">expired (no report for a TTL while rendering) or replaced (a new Blender took the instance over).</param>
public sealed record LostRenderStatus(string Host, string Instance, string RenderJob, string File, int Frame, DateTimeOffset LostAt, string Cause)
{
    public static LostRenderStatus From(LostRender lost) => new(lost.Host, lost.Instance, lost.RenderJob, lost.BlendFile, lost.Frame,
        lost.LostAt, lost.Cause == LostRenderCause.Expired ? "expired" : "replaced");
}
