using System.ComponentModel.DataAnnotations;

namespace RenderFarm.UnitTests;

public class RenderFarmOptionsTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(Validate(new RenderFarmOptions()));
    }

    [Fact]
    public void Ttl_must_exceed_the_heartbeat_interval()
    {
        var errors = Validate(new RenderFarmOptions
        {
            InstanceTtl = TimeSpan.FromSeconds(5),
            HeartbeatInterval = TimeSpan.FromSeconds(5),
        });

        Assert.Contains(errors, e => e.StartsWith("RenderFarm:InstanceTtl must exceed RenderFarm:HeartbeatInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void Out_of_range_port_names_its_key()
    {
        var errors = Validate(new RenderFarmOptions { GrpcPort = 70000 });

        Assert.Contains("RenderFarm:GrpcPort must be between 0 and 65535.", errors);
    }

    [Theory]
    [InlineData("00:00:00.5")]
    [InlineData("8.00:00:00")]
    public void Stall_after_is_a_second_to_a_week(string value)
    {
        var errors = Validate(new RenderFarmOptions { StallAfter = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Contains(errors, e => e.StartsWith("RenderFarm:StallAfter must be between 00:00:01 and 7.00:00:00", StringComparison.Ordinal));
    }

    [Fact]
    public void Both_ports_cannot_be_the_same()
    {
        var errors = Validate(new RenderFarmOptions { GrpcPort = 9000, HttpPort = 9000 });

        Assert.Contains(errors, e => e.StartsWith("RenderFarm:HttpPort must differ", StringComparison.Ordinal));
    }

    [Fact]
    public void Blank_token_is_refused_by_its_index()
    {
        var errors = Validate(new RenderFarmOptions { Tokens = ["good", " "] });

        Assert.Contains(errors, e => e.StartsWith("RenderFarm:Tokens:1 must be", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("", true)]
    [InlineData("localhost", false)]
    [InlineData("10.0.0.300", false)]
    public void Listen_address_is_an_ip_address_or_empty(string address, bool valid)
    {
        var errors = Validate(new RenderFarmOptions { ListenAddress = address });

        Assert.Equal(valid, !errors.Any(e => e.StartsWith("RenderFarm:ListenAddress must be an IP address", StringComparison.Ordinal)));
    }

    private static List<string> Validate(RenderFarmOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        if (results.Count == 0)
        {
            results.AddRange(options.Validate(new ValidationContext(options)));
        }

        return [.. results.Select(r => r.ErrorMessage!)];
    }
}
