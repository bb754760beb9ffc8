using System.Globalization;
using System.Text;

namespace RenderFarm.Testing;

/// <summary>One sample of a scrape: metric name, labels, value.</summary>
public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : "";
}

/// <summary>
/// A strict parser of the Prometheus text exposition format (0.0.4), so tests assert on
/// what Prometheus would read, not on substrings. Malformed input throws <see cref="FormatException"/>.
/// </summary>
public sealed class Exposition
{
    private Exposition(List<Sample> samples, Dictionary<string, string> types, Dictionary<string, string> helps)
    {
        Samples = samples;
        Types = types;
        Helps = helps;
    }

    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>Family name to its TYPE.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    /// <summary>Family name to its HELP text (unescaped).</summary>
    public IReadOnlyDictionary<string, string> Helps { get; }

    public IEnumerable<Sample> Series(string name) => Samples.Where(s => s.Name == name);

    /// <summary>Samples of <paramref name="name"/> whose labels include every given pair.</summary>
    public IEnumerable<Sample> Series(string name, params (string Label, string Value)[] labels) =>
        Series(name).Where(s => labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value));

    /// <summary>The one sample of <paramref name="name"/> with these labels, or null when there is none.</summary>
    public double? Value(string name, params (string Label, string Value)[] labels) =>
        Series(name, labels).ToList() switch
        {
            [] => null,
            [var one] => one.Value,
            var many => throw new InvalidOperationException($"{many.Count} samples of {name} match"),
        };

    /// <summary>
    /// What the instances of <paramref name="host"/> expose: samples labelled with the host and an instance. The host's
    /// own frame-time histogram (labelled host alone) outlives them by design.
    /// </summary>
    public IEnumerable<Sample> OfInstances(string host) =>
        Samples.Where(s => s.Label("host") == host && s.Label("instance") != "");

    /// <summary>The one sample of <paramref name="name"/> for this host and instance, or null.</summary>
    public double? Instance(string name, string host, string instance) =>
        Value(name, ("host", host), ("instance", instance));

    public static Exposition Parse(string text)
    {
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>();
        var helps = new Dictionary<string, string>();
        var seen = new HashSet<string>();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            try
            {
                if (line.Length == 0)
                {
                    continue;
                }

                if (line.StartsWith("# HELP ", StringComparison.Ordinal))
                {
                    var (name, rest) = SplitName(line[7..]);
                    if (!helps.TryAdd(name, UnescapeHelp(rest)))
                    {
                        throw new FormatException($"second HELP for {name}");
                    }
                }
                else if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
                {
                    var (name, type) = SplitName(line[7..]);
                    if (type is not ("counter" or "gauge" or "histogram" or "summary" or "untyped"))
                    {
                        throw new FormatException($"unknown type '{type}'");
                    }

                    if (!types.TryAdd(name, type))
                    {
                        throw new FormatException($"second TYPE for {name}");
                    }
                }
                else if (line.StartsWith('#'))
                {
                    continue;
                }
                else
                {
                    var sample = ParseSample(line);
                    var identity = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)
                        .Select(l => $"{l.Key}={l.Value}")) + "}";
                    if (!seen.Add(identity))
                    {
                        throw new FormatException($"duplicate series {identity}");
                    }

                    samples.Add(sample);
                }
            }
            catch (FormatException e)
            {
                throw new FormatException($"line {lineNumber}: {e.Message}: {line}", e);
            }
        }

        if (!text.EndsWith('\n') && text.Length > 0)
        {
            throw new FormatException("the exposition does not end with a line feed");
        }

        return new Exposition(samples, types, helps);
    }

    private static (string Name, string Remainder) SplitName(string text)
    {
        var space = text.IndexOf(' ');
        var name = space < 0 ? text : text[..space];
        RequireName(name);
        return (name, space < 0 ? "" : text[(space + 1)..]);
    }

    private static Sample ParseSample(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' '))
        {
            i++;
        }

        var name = line[..i];
        RequireName(name);
        var labels = new Dictionary<string, string>();
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var label = line[i..eq];
                RequireName(label);
                if (line[eq + 1] != '"')
                {
                    throw new FormatException($"label {label} value is not quoted");
                }

                var value = new StringBuilder();
                i = eq + 2;
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        value.Append(line[i + 1] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            var c => throw new FormatException($"invalid escape \\{c}"),
                        });
                        i += 2;
                    }
                    else
                    {
                        value.Append(line[i++]);
                    }
                }

                if (!labels.TryAdd(label, value.ToString()))
                {
                    throw new FormatException($"label {label} twice");
                }

                i++;
                if (line[i] == ',')
                {
                    i++;
                }
                else if (line[i] != '}')
                {
                    throw new FormatException("expected ',' or '}' after a label");
                }
            }

            i++;
        }

        if (i >= line.Length || line[i] != ' ')
        {
            throw new FormatException("expected a space before the value");
        }

        var parts = line[(i + 1)..].Split(' ');
        if (parts.Length > 2)
        {
            throw new FormatException("too many fields");
        }

        return new Sample(name, labels, ParseValue(parts[0]));
    }

    private static double ParseValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{text}' is not a number"),
    };

    private static void RequireName(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] is '_' or ':')
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':'))
        {
            throw new FormatException($"'{name}' is not a valid metric or label name");
        }
    }

    private static string UnescapeHelp(string text) =>
        text.Replace("\\n", "\n").Replace("\\\\", "\\");
}
