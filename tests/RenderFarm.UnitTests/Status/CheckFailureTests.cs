using RenderFarm.Server.Cli;

namespace RenderFarm.UnitTests.Status;

/// <summary>Whatever fails inside the check, a monitoring system reads UNKNOWN (3) and one line.</summary>
public class CheckFailureTests
{
    [Fact]
    public async Task Internal_failure_is_unknown_in_one_line()
    {
        using var output = new StringWriter();

        var exit = await CheckCommand.RunAsync(["--host", "node17"], output, new FailingHandler());

        Assert.Equal((int)CheckStatus.Unknown, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("RENDERFARM UNKNOWN - internal error: InvalidOperationException: line one line two", Assert.Single(lines).TrimEnd('\r'));
    }

    [Theory]
    [InlineData("node\u001B[2Jx", "node\\u001B[2Jx")]
    [InlineData("a\u0007b", "a\\u0007b")]
    [InlineData("abc\u202Edef", "abc\\u202Edef")]
    [InlineData("zero\u200Bwidth\u2066", "zero\\u200Bwidth\\u2066")]
    [InlineData("Ünïcode stays", "Ünïcode stays")]
    public void Control_and_bidi_characters_are_escaped(string text, string printed)
    {
        Assert.Equal(printed, PluginText.Escape(text));
    }

    private sealed class FailingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("line one\nline two");
    }
}
