namespace RenderFarm.Server.StatusApi;

/// <summary>
/// How much of a list a reply carries. A page of 1000 instances is a few hundred kilobytes as the farm reports
/// them, but each instance may carry names of 128 characters and texts of 256, up to three bytes a character
/// (six in JSON for a control character): by count alone a reply could pass gRPC clients' default 4 MB receive
/// limit, and the check's 1 MiB. So a reply, its envelope (counts, next page token and address) included, ends
/// before it passes 1 MiB as the transport encodes it, and its next page token continues after the last item shown.
/// </summary>
public static class ReplyBudget
{
    public const int MaxReplyBytes = 1024 * 1024;

    /// <summary>
    /// How many of <paramref name="items"/>, from the first, fit beside an envelope of <paramref name="envelopeBytes"/>;
    /// at least one, so that a walk always moves on (one item is far below the budget: names and texts are capped).
    /// </summary>
    public static int Fit<T>(IReadOnlyList<T> items, Func<T, int> encodedSize, int envelopeBytes = 0)
    {
        long total = envelopeBytes;
        for (var i = 0; i < items.Count; i++)
        {
            total += encodedSize(items[i]);
            if (total > MaxReplyBytes)
            {
                return Math.Max(i, 1);
            }
        }

        return items.Count;
    }

    /// <summary>
    /// How many of <paramref name="items"/>, from the last, fit beside an envelope of <paramref name="envelopeBytes"/>:
    /// for a list kept oldest first whose newest matter most and which has no next page.
    /// </summary>
    public static int FitLast<T>(IReadOnlyList<T> items, Func<T, int> encodedSize, int envelopeBytes = 0)
    {
        long total = envelopeBytes;
        for (var i = items.Count - 1; i >= 0; i--)
        {
            total += encodedSize(items[i]);
            if (total > MaxReplyBytes)
            {
                return items.Count - 1 - i;
            }
        }

        return items.Count;
    }
}
