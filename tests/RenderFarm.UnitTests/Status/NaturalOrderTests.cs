using RenderFarm.Server.Queries;

namespace RenderFarm.UnitTests.Status;

public class NaturalOrderTests
{
    [Theory]
    [InlineData("node2", "node10")]
    [InlineData("node9", "node10")]
    [InlineData("node1", "node1a")]
    [InlineData("node", "node0")]
    [InlineData("Node1", "node2")]
    [InlineData("node2-gpu10", "node2-gpu11")]
    [InlineData("node-2", "node10")]
    [InlineData("a99999999999999999999999", "a100000000000000000000000")]
    [InlineData("3.4.1", "3.10.0")]
    public void Numbers_in_names_compare_as_numbers_and_letters_without_case(string first, string second)
    {
        Assert.True(NaturalOrder.Instance.Compare(first, second) < 0, $"{first} before {second}");
        Assert.True(NaturalOrder.Instance.Compare(second, first) > 0, $"{second} after {first}");
    }

    [Theory]
    [InlineData("node01", "node1")]
    [InlineData("Node1", "node1")]
    [InlineData("node007", "node07")]
    public void Names_equal_but_for_zeros_or_case_still_have_an_order(string a, string b)
    {
        var ab = NaturalOrder.Instance.Compare(a, b);

        Assert.NotEqual(0, ab);
        Assert.Equal(-Math.Sign(ab), Math.Sign(NaturalOrder.Instance.Compare(b, a)));
        Assert.Equal(Math.Sign(string.CompareOrdinal(a, b)), Math.Sign(ab));
    }

    [Fact]
    public void It_is_a_total_order_over_awkward_names()
    {
        string[] names =
        [
            "", "0", "00", "1", "01", "10", "9", "a", "A", "a0", "a00", "a1", "a01", "a10", "a-1", "a.1", "a:1", "a_1", "b",
            "node2", "node10", "Node10", "node010", "node1a", "node1A", "node1-", "node1.5", "node1.10", "z", "Z9", "é1", "ä",
        ];
        var order = NaturalOrder.Instance;

        foreach (var a in names)
        {
            Assert.Equal(0, order.Compare(a, a));
            foreach (var b in names)
            {
                Assert.Equal(-Math.Sign(order.Compare(b, a)), Math.Sign(order.Compare(a, b)));
                if (a != b)
                {
                    Assert.NotEqual(0, order.Compare(a, b));
                }

                foreach (var c in names)
                {
                    if (order.Compare(a, b) < 0 && order.Compare(b, c) < 0)
                    {
                        Assert.True(order.Compare(a, c) < 0, $"{a} < {b} < {c} but not {a} < {c}");
                    }
                }
            }
        }
    }
}
