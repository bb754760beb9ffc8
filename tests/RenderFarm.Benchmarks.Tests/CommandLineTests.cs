using RenderFarm.LoadGenerator;

namespace RenderFarm.Benchmarks.Tests;

public class CommandLineTests
{
    [Theory]
    [InlineData("localhost", "http://localhost:50051/", Transport.Grpc)]
    [InlineData("farm.example:6000", "http://farm.example:6000/", Transport.Grpc)]
    [InlineData("grpc://10.0.0.5", "http://10.0.0.5:50051/", Transport.Grpc)]
    [InlineData("grpcs://farm.example", "https://farm.example:50051/", Transport.Grpc)]
    [InlineData("http://farm.example", "http://farm.example:8000/", Transport.GrpcWeb)]
    [InlineData("http://farm.example:80", "http://farm.example/", Transport.GrpcWeb)]
    [InlineData("https://farm.example:8443/", "https://farm.example:8443/", Transport.GrpcWeb)]
    public void Server_address_is_read_as_the_add_on_reads_it(string text, string uri, Transport transport)
    {
        var address = ServerAddress.Parse(text);

        Assert.Equal(new Uri(uri), address.Uri);
        Assert.Equal(transport, address.Transport);
    }

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("ftp://farm.example", "unknown scheme 'ftp'")]
    [InlineData("http://farm.example/api", "is not host, host:port")]
    public void Bad_server_address_is_refused_naming_the_problem(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => ServerAddress.Parse(text));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_are_read_with_units()
    {
        var options = new CommandLine(["--instances", "40", "--speed=2.5", "--duration", "500ms", "--quick"],
            ["--instances", "--speed", "--duration"], ["--quick"]);

        Assert.Equal(40, options.WholeNumber("--instances", 0));
        Assert.Equal(2.5, options.Number("--speed", 1));
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Duration("--duration"));
        Assert.True(options.Flag("--quick"));
    }

    [Theory]
    [InlineData(new[] { "--instances", "many" }, "--instances: expected a whole number, was 'many'")]
    [InlineData(new[] { "--duration", "soon" }, "--duration: expected a duration")]
    [InlineData(new[] { "--instances" }, "--instances: needs a value")]
    [InlineData(new[] { "--instnces", "4" }, "--instnces: unknown option")]
    public void Bad_option_is_refused_naming_it(string[] arguments, string message)
    {
        var error = Assert.Throws<ArgumentException>(() =>
        {
            var options = new CommandLine(arguments, ["--instances", "--duration"], []);
            options.WholeNumber("--instances", 0);
            options.Duration("--duration");
        });

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_settings_refuse_a_rate_above_one()
    {
        var error = Assert.Throws<ArgumentException>(() => new LoadSettings { ChurnRate = 1.5 }.Validate());

        Assert.Contains("--churn-rate", error.Message, StringComparison.Ordinal);
    }
}
