using System.Text.Encodings.Web;
using System.Text.Json;
using RenderFarm.Server.Queries;
using RenderFarm.Server.StatusApi;

namespace RenderFarm.UnitTests.Status;

public class ReplyBudgetTests
{
    // As the JSON API writes (ASP.NET Core's web defaults: UTF-8 text), and as a writer's own defaults escape it.
    private static readonly JsonSerializerOptions Relaxed = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions Escaping = new(JsonSerializerDefaults.Web);

    [Theory]
    [InlineData(new[] { 100, 200 }, 2)]
    [InlineData(new[] { 600_000, 448_576, 1 }, 2)]
    [InlineData(new[] { 600_000, 448_577 }, 1)]
    [InlineData(new[] { 2_000_000, 1 }, 1)]
    [InlineData(new int[0], 0)]
    public void A_reply_takes_what_fits_in_1_MiB_and_at_least_one(int[] sizes, int fitted)
    {
        Assert.Equal(fitted, ReplyBudget.Fit(sizes, size => size));
    }

    [Theory]
    [InlineData(new[] { 600_000, 448_476 }, 100, 2)]
    [InlineData(new[] { 600_000, 448_477 }, 100, 1)]
    [InlineData(new[] { 10 }, 2_000_000, 1)]
    public void The_envelope_counts_against_the_budget(int[] sizes, int envelope, int fitted)
    {
        Assert.Equal(fitted, ReplyBudget.Fit(sizes, size => size, envelope));
    }

    [Theory]
    [InlineData(new[] { 1, 600_000, 448_476 }, 100, 2)]
    [InlineData(new[] { 1, 2, 3 }, 0, 3)]
    [InlineData(new[] { 1, 2_000_000 }, 0, 0)]
    [InlineData(new int[0], 0, 0)]
    public void A_newest_first_list_keeps_the_last_ones_that_fit(int[] sizes, int envelope, int fitted)
    {
        Assert.Equal(fitted, ReplyBudget.FitLast(sizes, size => size, envelope));
    }

    private static readonly int[] Pair = [1, 2];

    [Fact]
    public void The_whole_size_is_the_body_without_a_separator()
    {
        using var size = new JsonSize(Relaxed);

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(Pair, Relaxed).Length, size.Whole(Pair));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Json_size_is_what_the_serializer_writes_with_the_api_encoder(bool relaxed)
    {
        var options = relaxed ? Relaxed : Escaping;
        var (registry, time) = Reports.NewRegistry();
        registry.Apply(Reports.Valid("node01") with { BlendFile = "/渲染/shot010 <final> & \"more\".blend", Scene = "Szene für Ü" });
        var view = InstanceView.From(registry.Find("node01", "0")!.Value, time);
        using var size = new JsonSize(options);

        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(view, options).Length + 1, size.Of(view));
        Assert.Equal(size.Of(view), size.Of(view));
    }
}
