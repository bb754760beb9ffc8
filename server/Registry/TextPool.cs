using System.Collections.Concurrent;

namespace RenderFarm.Server.Registry;

/// <summary>
/// Free text that repeats across instances (Blender and add-on versions, engine, scene, .blend
/// file: a farm renders a few jobs on many nodes) kept once for all of them, so memory grows
/// with the distinct texts rather than with instances times text. Bounded: when it holds
/// <see cref="Capacity"/> texts it starts over, and texts already shared stay shared.
/// </summary>
internal sealed class TextPool
{
    public const int Capacity = 8192;

    private readonly ConcurrentDictionary<string, string> _texts = new(StringComparer.Ordinal);

    // ConcurrentDictionary.Count takes every lock; an estimate is enough to bound the pool.
    private int _count;

    /// <summary>
    /// <paramref name="stored"/> while <paramref name="reported"/> equals it, so that the request's copy dies young;
    /// else the pooled copy of <paramref name="reported"/>.
    /// </summary>
    public string Keep(string? stored, string reported) =>
        string.Equals(stored, reported, StringComparison.Ordinal) ? stored! : Share(reported);

    /// <summary>The pooled copy of <paramref name="text"/>, adding it when new.</summary>
    public string Share(string text)
    {
        if (text.Length == 0)
        {
            return "";
        }

        if (_texts.TryGetValue(text, out var shared))
        {
            return shared;
        }

        if (Interlocked.Increment(ref _count) > Capacity)
        {
            // Junk text cannot grow the pool, only make it start over; live texts come back at their next change.
            _texts.Clear();
            Interlocked.Exchange(ref _count, 1);
        }

        return _texts.GetOrAdd(text, text);
    }
}
