namespace RenderFarm.Server.Registry;

/// <summary>
/// A render that ended without its Blender saying so: the instance was rendering when it stopped reporting for a
/// TTL (killed, crashed, machine lost), or when a new Blender process took over its host and instance (the old one
/// died and the render manager started another). A clean exit signs off first, even in the middle of a render, and an
/// idle instance that goes quiet loses no render: neither is one.
/// </summary>
/// <param name="SessionId">The Blender process that went away: if it reports again (it was only cut off for longer than
/// the TTL), the render was not lost after all.</param>
public sealed record LostRender(
    string Host, string Instance, string RenderJob, string BlendFile, int Frame, DateTimeOffset LostAt, LostRenderCause Cause,
    string SessionId = "");

public enum LostRenderCause
{
    /// <summary>No report for a TTL while rendering.</summary>
    Expired,

    /// <summary>A new session of the same host and instance reported while the old one was rendering.</summary>
    Replaced,
}
