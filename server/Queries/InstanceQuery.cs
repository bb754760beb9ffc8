using System.Security.Cryptography;
using System.Text;

namespace RenderFarm.Server.Queries;

/// <summary>A list query apart from its paging: which instances, in which order. Every page of one walk asks the same.</summary>
public readonly record struct InstanceQuery(StatusFilter Filter, InstanceOrder Order)
{
    /// <summary>
    /// Eight bytes that differ between queries: a page token carries them, so a token is only taken back with the
    /// query it was made for (its position means nothing in another order, and would skip instances of another filter).
    /// </summary>
    internal byte[] Fingerprint()
    {
        // HostContains is free text: last, so that nothing it holds can pass for another member (names hold no line break).
        var canonical = $"{Filter.Host}\n{Filter.Instance}\n{Filter.State}\n{Order}\n{Filter.HostContains}";
        return SHA256.HashData(Encoding.UTF8.GetBytes(canonical))[..8];
    }
}
