using System.Text.Json;
using System.Text.RegularExpressions;

namespace RenderFarm.DeployTests;

/// <summary>One build stage of deploy/docker/Dockerfile: its instructions in order.</summary>
internal sealed record DockerStage(string Image, string? Name, List<(string Instruction, string Arguments)> Instructions)
{
    public IEnumerable<string> Arguments(string instruction) =>
        Instructions.Where(i => i.Instruction == instruction).Select(i => i.Arguments);

    public string? User => Arguments("USER").LastOrDefault();

    public string WorkingDirectory => Arguments("WORKDIR").Last();

    /// <summary>ENV KEY=value pairs, quotes removed.</summary>
    public Dictionary<string, string> Environment => Arguments("ENV")
        .SelectMany(a => Regex.Matches(a, @"(\w+)=(""[^""]*""|\S*)"))
        .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim('"'));

    public string[] EntryPoint => JsonSerializer.Deserialize<string[]>(Arguments("ENTRYPOINT").Single())!;
}

/// <summary>A small reader of the Dockerfile: instructions, continuation lines joined, comments dropped.</summary>
internal sealed record Dockerfile(List<DockerStage> Stages)
{
    public static string Path { get; } = Repository.Deploy("docker", "Dockerfile");

    public static Dockerfile Load()
    {
        var stages = new List<DockerStage>();
        var logical = Regex.Replace(File.ReadAllText(Path), @"\\\n", " ");
        foreach (var line in logical.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var space = line.IndexOf(' ');
            var instruction = line[..space].ToUpperInvariant();
            var arguments = Regex.Replace(line[(space + 1)..].Trim(), @"\s+", " ");
            if (instruction == "FROM")
            {
                var parts = arguments.Split(' ');
                stages.Add(new DockerStage(parts[0], parts.Length == 3 ? parts[2] : null, []));
            }

            stages[^1].Instructions.Add((instruction, arguments));
        }

        return new Dockerfile(stages);
    }
}
