using System.Globalization;
using System.Text;
using RenderFarm.Server.Exposition;

namespace RenderFarm.UnitTests;

/// <summary>Every value written as exactly the text of .NET's "R" format, whichever faster path writes it.</summary>
public class ExpositionValueTextTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(-0.001)]
    [InlineData(0.1)]
    [InlineData(1501.42)]
    [InlineData(1796172040.501)]
    [InlineData(1796172040.5)]
    [InlineData(999999999999.999)]
    [InlineData(1e12 + 0.5)]
    [InlineData(0.0001)]
    [InlineData(1e-5)]
    [InlineData(2580.1729449071795)]
    [InlineData(1.0 / 3)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(1e15)]
    [InlineData(-123456789.125)]
    public void A_value_is_its_round_trip_text(double value) => Assert.Equal(Expected(value), Written(value));

    [Fact]
    public void Negative_zero_is_its_round_trip_text() => Assert.Equal("-0", Written(-0.0));

    [Fact]
    public void Random_values_with_and_without_three_decimals_are_their_round_trip_text()
    {
        var random = new Random(20261202);
        for (var i = 0; i < 200_000; i++)
        {
            var value = (i % 4) switch
            {
                0 => random.NextInt64(-1_000_000_000_000_000, 1_000_000_000_000_000) / 1000.0, // thousandths
                1 => random.Next(-100_000, 100_000) / 100.0, // clock ticks
                2 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 16)), // anything
                _ => BitConverter.Int64BitsToDouble(random.NextInt64()), // any bit pattern
            };
            Assert.Equal(Expected(value), Written(value));
        }
    }

    private static string Expected(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Written(double value)
    {
        var buffer = new byte[64];
        return Encoding.ASCII.GetString(buffer, 0, ExpositionBuffer.FormatValue(value, buffer));
    }
}
