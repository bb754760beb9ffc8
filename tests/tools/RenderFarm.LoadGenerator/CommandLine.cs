using System.Globalization;

namespace RenderFarm.LoadGenerator;

/// <summary><c>--name value</c> options with clear errors naming the option; every option must be known.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public CommandLine(IEnumerable<string> arguments, IReadOnlyCollection<string> options, IReadOnlyCollection<string> flags)
    {
        using var reader = arguments.GetEnumerator();
        while (reader.MoveNext())
        {
            var argument = reader.Current;
            var (name, inline) = argument.IndexOf('=', StringComparison.Ordinal) is var eq and > 0
                ? (argument[..eq], argument[(eq + 1)..])
                : (argument, null);
            if (flags.Contains(name) && inline is null)
            {
                _flags.Add(name);
            }
            else if (options.Contains(name))
            {
                _values[name] = inline ?? (reader.MoveNext() ? reader.Current : throw new ArgumentException($"{name}: needs a value"));
            }
            else
            {
                throw new ArgumentException($"{argument}: unknown option; known: {string.Join(", ", options.Concat(flags).Order())}");
            }
        }
    }

    public bool Flag(string name) => _flags.Contains(name);

    public string? Text(string name) => _values.GetValueOrDefault(name);

    public string Text(string name, string fallback) => _values.GetValueOrDefault(name) ?? fallback;

    public int WholeNumber(string name, int fallback) => _values.TryGetValue(name, out var text)
        ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{name}: expected a whole number, was '{text}'")
        : fallback;

    public double Number(string name, double fallback) => _values.TryGetValue(name, out var text)
        ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new ArgumentException($"{name}: expected a number, was '{text}'")
        : fallback;

    public TimeSpan? Duration(string name) => _values.TryGetValue(name, out var text)
        ? ParseDuration(text) ?? throw new ArgumentException($"{name}: expected a duration like 500ms, 30s, 10m or 00:00:30, was '{text}'")
        : null;

    public TimeSpan Duration(string name, TimeSpan fallback) => Duration(name) ?? fallback;

    private static TimeSpan? ParseDuration(string text)
    {
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
                && double.IsFinite(amount))
            {
                return TimeSpan.FromSeconds(amount * seconds);
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
