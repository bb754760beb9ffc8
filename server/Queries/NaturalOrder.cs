namespace RenderFarm.Server.Queries;

/// <summary>
/// Orders names as people read them: digits as numbers (node2 before node10), letters without case. Render nodes
/// are seldom numbered with leading zeros, and a list that puts node10 between node1 and node2 reads as broken.
/// Strings equal that way (node01 and node1, Node1 and node1) fall back to ordinal order, so this is a total
/// order and a page token can say where a page ended.
/// </summary>
public sealed class NaturalOrder : IComparer<string>
{
    public static readonly NaturalOrder Instance = new();

    private NaturalOrder()
    {
    }

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var byNature = CompareNaturally(x, y);
        return byNature != 0 ? byNature : string.CompareOrdinal(x, y);
    }

    /// <summary>
    /// Reads both strings as sequences of parts, a run of digits or one other character. A run of digits sorts
    /// where its first digit would, by its value against another run.
    /// </summary>
    private static int CompareNaturally(string x, string y)
    {
        // A farm's names share long beginnings (render-node-00…): what is equal character for character is skipped at
        // once, back to the start of a run of digits it ends in, so that the run is still read as one number.
        var i = x.AsSpan().CommonPrefixLength(y);
        while (i > 0 && char.IsAsciiDigit(x[i - 1]))
        {
            i--;
        }

        var j = i;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var byNumber = CompareNumbers(x, ref i, y, ref j);
                if (byNumber != 0)
                {
                    return byNumber;
                }

                continue;
            }

            var byChar = Fold(x[i]).CompareTo(Fold(y[j]));
            if (byChar != 0)
            {
                return byChar;
            }

            i++;
            j++;
        }

        return (x.Length - i).CompareTo(y.Length - j);
    }

    /// <summary>Compares the digit runs at <paramref name="i"/> and <paramref name="j"/> by value and moves past them.</summary>
    private static int CompareNumbers(string x, ref int i, string y, ref int j)
    {
        var (xStart, xEnd) = DigitRun(x, i);
        var (yStart, yEnd) = DigitRun(y, j);
        i = xEnd;
        j = yEnd;
        // Without leading zeros, the longer number is the larger; of two as long, the first digit that differs says.
        var byLength = (xEnd - xStart).CompareTo(yEnd - yStart);
        return byLength != 0 ? byLength : string.CompareOrdinal(x, xStart, y, yStart, xEnd - xStart);
    }

    /// <summary>Where the digits of the run at <paramref name="start"/> begin after its leading zeros, and where it ends.</summary>
    private static (int Start, int End) DigitRun(string value, int start)
    {
        var end = start;
        while (end < value.Length && char.IsAsciiDigit(value[end]))
        {
            end++;
        }

        var significant = start;
        while (significant < end - 1 && value[significant] == '0')
        {
            significant++;
        }

        return (significant, end);
    }

    private static char Fold(char c) => char.ToLowerInvariant(c);
}
