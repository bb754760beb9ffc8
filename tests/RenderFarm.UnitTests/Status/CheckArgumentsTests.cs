using RenderFarm.Server.Cli;

namespace RenderFarm.UnitTests.Status;

public class CheckArgumentsTests
{
    [Fact]
    public void Defaults_need_only_the_host()
    {
        var args = CheckArguments.Parse(["--host", "node17"], out var error, out var help);

        Assert.Null(error);
        Assert.False(help);
        Assert.Equal(new Uri("http://localhost:8000/"), args!.Server);
        Assert.Equal(("node17", null, CheckExpectation.Alive, null), (args.Host, args.Instance, args.Expect, args.MaxAge));
        Assert.Equal(TimeSpan.FromSeconds(10), args.Timeout);
    }

    [Fact]
    public void Every_option_parses_in_both_spellings()
    {
        var args = CheckArguments.Parse(
            ["--server=https://farm.example:8443/renderfarm", "--host", "node17", "--instance=0", "--expect", "Rendering",
             "--max-age", "1m", "--timeout=2.5s"], out var error, out _);

        Assert.Null(error);
        Assert.Equal(new Uri("https://farm.example:8443/renderfarm/"), args!.Server);
        Assert.Equal("0", args.Instance);
        Assert.Equal(CheckExpectation.Rendering, args.Expect);
        Assert.Equal(TimeSpan.FromMinutes(1), args.MaxAge);
        Assert.Equal(TimeSpan.FromSeconds(2.5), args.Timeout);
    }

    [Theory]
    [InlineData("60s", 60)]
    [InlineData("60", 60)]
    [InlineData("500ms", 0.5)]
    [InlineData("2m", 120)]
    [InlineData("1h", 3600)]
    [InlineData("00:01:30", 90)]
    public void Durations_read_as_monitoring_users_write_them(string text, double seconds)
    {
        Assert.True(CheckArguments.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("-5s")]
    [InlineData("0")]
    [InlineData("2d")]
    [InlineData("1e9")]
    [InlineData("soon")]
    public void Bad_durations_are_refused(string text)
    {
        Assert.False(CheckArguments.TryParseDuration(text, out _));
    }

    [Theory]
    [InlineData(new[] { "--instance", "0" }, "--host: required")]
    [InlineData(new[] { "--host", "node 17" }, "--host:")]
    [InlineData(new[] { "--host", "node17", "--instance", "" }, "--instance:")]
    [InlineData(new[] { "--host", "node17", "--expect", "busy" }, "--expect:")]
    [InlineData(new[] { "--host", "node17", "--expect", "1" }, "--expect:")]
    [InlineData(new[] { "--host", "node17", "--server", "ftp://farm" }, "--server:")]
    [InlineData(new[] { "--host", "node17", "--server", "farm:8000" }, "--server:")]
    [InlineData(new[] { "--host", "node17", "--max-age", "later" }, "--max-age:")]
    [InlineData(new[] { "--host", "node17", "--timeout" }, "--timeout: needs a value")]
    [InlineData(new[] { "--host", "node17", "--host", "node18" }, "--host: given twice")]
    [InlineData(new[] { "--host", "node17", "-v" }, "-v: unknown option")]
    public void Bad_arguments_name_the_option(string[] argv, string start)
    {
        var args = CheckArguments.Parse(argv, out var error, out _);

        Assert.Null(args);
        Assert.StartsWith(start, error);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void Help_is_asked_for(string flag)
    {
        CheckArguments.Parse(["--host", "node17", flag], out _, out var help);

        Assert.True(help);
    }
}
