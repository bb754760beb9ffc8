namespace RenderFarm.LoadGenerator;

/// <summary>A render job as studios run them: a frame range of one .blend file, with a typical time per frame.</summary>
public sealed record RenderJob(string BlendFile, string Scene, string Engine, int FirstFrame, int LastFrame,
    TimeSpan FrameTime, ulong ResidentMemoryBytes)
{
    private static readonly string[] Shots = ["sq010_sh020", "sq010_sh030", "sq020_sh010", "sq030_sh040", "sq040_sh050", "turntable_hero"];

    /// <summary>Mostly Cycles shots of tens of seconds a frame, some quick Eevee previews, the odd long still.</summary>
    public static RenderJob Pick(Random random)
    {
        var shot = Shots[random.Next(Shots.Length)];
        var kind = random.NextDouble();
        if (kind < 0.6)
        {
            var first = 1001 + (random.Next(4) * 24);
            return new RenderJob($"{shot}_lighting.blend", shot, "CYCLES", first, first + random.Next(24, 96),
                TimeSpan.FromSeconds(random.Next(15, 90)), Gibibytes(random, 4, 14));
        }

        if (kind < 0.9)
        {
            return new RenderJob($"{shot}_preview.blend", shot, "BLENDER_EEVEE", 1, random.Next(48, 240),
                TimeSpan.FromSeconds(random.Next(2, 8)), Gibibytes(random, 1, 3));
        }

        var frame = random.Next(1, 200);
        return new RenderJob($"{shot}_poster.blend", shot, "CYCLES", frame, frame,
            TimeSpan.FromSeconds(random.Next(120, 600)), Gibibytes(random, 8, 24));
    }

    private static ulong Gibibytes(Random random, int min, int max) =>
        (ulong)(random.Next(min * 1024, max * 1024)) * 1024 * 1024;
}
