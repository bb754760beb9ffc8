namespace RenderFarm.Server.StatusApi;

/// <summary>
/// How much of a page a reply carries. A page of 1000 instances is a few hundred kilobytes as the farm reports
/// them, but each instance may carry names of 128 characters and texts of 256, up to three bytes a character
/// (six in JSON for a control character): by count alone a reply could pass gRPC clients' default 4 MB receive
/// limit. So a reply also ends before its instances pass 1 MiB, as the transport encodes them, and its next page
/// token continues after the last one shown.
/// </summary>
public static class ReplyBudget
{
    public const int MaxInstanceBytes = 1024 * 1024;

    /// <summary>How many of <paramref name="items"/>, from the first, fit; at least one, so that a walk always moves on.</summary>
    public static int Fit<T>(IReadOnlyList<T> items, Func<T, int> encodedSize)
    {
        var total = 0;
        for (var i = 0; i < items.Count; i++)
        {
            total += encodedSize(items[i]);
            if (total > MaxInstanceBytes)
            {
                return Math.Max(i, 1);
            }
        }

        return items.Count;
    }
}
