namespace RenderFarm.Server.Registry;

/// <summary>
/// A render that went wrong. Lost: it ended without its Blender saying so, because the instance was rendering when it
/// stopped reporting for a TTL (killed, crashed, machine lost), or when a new Blender process took over its host and
/// instance (the old one died and the render manager started another). A clean exit signs off first, even in the middle
/// of a render, and an idle instance that goes quiet loses no render: neither is one. Failed: its Blender said the
/// render ended neither completed nor cancelled (it quit in the middle, say after an output it could not save).
/// </summary>
/// <param name="SessionId">The Blender process that went away: if it reports again (it was only cut off for longer than
/// the TTL), the render was not lost after all.</param>
/// <param name="Reason">Why a failed render failed, as its Blender told it (empty when it could not tell, and for lost ones).</param>
public sealed record LostRender(
    string Host, string Instance, string RenderJob, string BlendFile, int Frame, DateTimeOffset LostAt, LostRenderCause Cause,
    string SessionId = "", string Reason = "")
{
    public bool Failed => Cause == LostRenderCause.Failed;
}

public enum LostRenderCause
{
    /// <summary>No report for a TTL while rendering.</summary>
    Expired,

    /// <summary>A new session of the same host and instance reported while the old one was rendering.</summary>
    Replaced,

    /// <summary>Its Blender reported the render failed (renders_failed grew).</summary>
    Failed,
}
