using Microsoft.AspNetCore.Http;
using RenderFarm.Server.StatusApi;

namespace RenderFarm.UnitTests.Status;

public class FarmPageTests
{
    [Theory]
    [InlineData("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8", true)]
    [InlineData("application/xhtml+xml", true)]
    [InlineData("TEXT/HTML", true)]
    [InlineData("text/html;q=0", false)]
    [InlineData("*/*", false)]
    [InlineData("text/plain;version=0.0.4;q=0.9,*/*;q=0.1", false)]
    [InlineData("application/openmetrics-text;version=1.0.0,text/plain;q=0.5", false)]
    [InlineData("", false)]
    [InlineData("text/html;;;q===", false)]
    public void Html_goes_to_browsers_and_metrics_to_everyone_else(string accept, bool html)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Accept = accept;

        Assert.Equal(html, FarmPage.WantsHtml(context.Request));
    }
}
