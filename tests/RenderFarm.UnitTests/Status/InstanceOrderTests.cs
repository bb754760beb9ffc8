using RenderFarm.Server.Queries;

namespace RenderFarm.UnitTests.Status;

public class InstanceOrderTests
{
    [Theory]
    [InlineData(null, SortKey.Host, false)]
    [InlineData("", SortKey.Host, false)]
    [InlineData("host", SortKey.Host, false)]
    [InlineData("currentFrame desc", SortKey.CurrentFrame, true)]
    [InlineData("  ageSeconds   DESC ", SortKey.Age, true)]
    [InlineData("job.progress asc", SortKey.Progress, false)]
    [InlineData("BLENDERVERSION", SortKey.BlenderVersion, false)]
    public void Order_reads_a_field_and_a_direction(string? text, SortKey key, bool descending)
    {
        Assert.Null(InstanceOrder.TryParse(text, out var order));
        Assert.Equal(new InstanceOrder(key, descending), order);
    }

    [Theory]
    [InlineData("frame")]
    [InlineData("host up")]
    [InlineData("host desc now")]
    [InlineData("lastSeen")]
    public void Unknown_order_says_what_is_accepted(string text)
    {
        var error = InstanceOrder.TryParse(text, out _);

        Assert.NotNull(error);
        Assert.Contains("currentFrame", error);
        Assert.Contains($"'{text}'", error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void Every_order_reads_back_from_its_spelling()
    {
        foreach (var key in Enum.GetValues<SortKey>())
        {
            foreach (var descending in new[] { false, true })
            {
                var order = new InstanceOrder(key, descending);

                Assert.Null(InstanceOrder.TryParse(order.ToString(), out var read));
                Assert.Equal(order, read);
            }
        }
    }
}
