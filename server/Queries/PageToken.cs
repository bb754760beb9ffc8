using System.Buffers.Text;

namespace RenderFarm.Server.Queries;

/// <summary>
/// A page token: where the last page ended (the position of its last instance), for the query it was made for.
/// Opaque to clients (URL-safe base64 of a versioned binary form), so that its layout can change without
/// breaking anyone. It names a position, not an offset: instances that come or go before it move no other
/// instance across a page boundary, so a walk neither skips nor repeats them.
/// </summary>
internal static class PageToken
{
    private const byte Version = 1;

    /// <summary>A token holds two names of at most 128 characters and two texts of at most 256: a longer one is not ours.</summary>
    public const int MaxLength = 4096;

    /// <summary>As long as a token can be, in characters JSON and a query string write as they are: for sizing a reply's envelope.</summary>
    public static readonly string Longest = new('A', MaxLength);

    public const string NotOurs = "not a page token from this server's previous reply";

    public const string OtherQuery = "was made for a query with other filters or order; ask with the same ones, or start again without a token";

    public static string Write(InstanceQuery query, in PagePosition position)
    {
        using var bytes = new MemoryStream();
        using (var writer = new BinaryWriter(bytes))
        {
            writer.Write(Version);
            writer.Write(query.Fingerprint());
            writer.Write(position.Number);
            writer.Write(position.Fraction);
            writer.Write(position.Text);
            writer.Write(position.SecondText);
            writer.Write(position.Host);
            writer.Write(position.Instance);
        }

        return Base64Url.EncodeToString(bytes.ToArray());
    }

    /// <summary>Reads a token of <paramref name="query"/>; empty means the first page.</summary>
    /// <returns>Null and where the previous page ended (null for the first page), or what is wrong with the token.</returns>
    public static string? TryRead(string? token, InstanceQuery query, out PagePosition? after)
    {
        after = null;
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        if (token.Length > MaxLength || !Base64Url.IsValid(token))
        {
            return NotOurs;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(Base64Url.DecodeFromChars(token)));
            if (reader.ReadByte() != Version)
            {
                return NotOurs;
            }

            var fingerprint = reader.ReadBytes(8);
            var position = new PagePosition
            {
                Number = reader.ReadInt64(),
                Fraction = reader.ReadDouble(),
                Text = reader.ReadString(),
                SecondText = reader.ReadString(),
                Host = reader.ReadString(),
                Instance = reader.ReadString(),
            };
            if (reader.BaseStream.Position != reader.BaseStream.Length || double.IsNaN(position.Fraction))
            {
                return NotOurs;
            }

            if (!fingerprint.AsSpan().SequenceEqual(query.Fingerprint()))
            {
                return OtherQuery;
            }

            after = position;
            return null;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            return NotOurs;
        }
    }
}
