using System.Security.Cryptography;
using System.Text;

namespace RenderFarm.Server.Registry;

/// <summary>
/// The last few sessions an instance had before its current one. A report from one of them
/// is a late report from a Blender process that was replaced: it must not replace its
/// successor. Kept as 64-bit fingerprints, so a worst-case session id costs 8 bytes here.
/// </summary>
internal sealed class RetiredSessions
{
    /// <summary>Enough for a few restarts in quick succession with reports still under way.</summary>
    public const int Kept = 4;

    private readonly ulong[] _fingerprints = new ulong[Kept];
    private int _next;

    public void Add(string sessionId)
    {
        _fingerprints[_next] = Fingerprint(sessionId);
        _next = (_next + 1) % Kept;
    }

    public bool Contains(string sessionId) => Array.IndexOf(_fingerprints, Fingerprint(sessionId)) >= 0;

    // Only reached when a report's session is not the current one (a restart, or a late report): rare.
    private static ulong Fingerprint(string sessionId)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(sessionId), hash);
        // Zero marks an unused place.
        return BitConverter.ToUInt64(hash) | 1;
    }
}
