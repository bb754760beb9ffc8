using Grpc.Health.V1;

namespace RenderFarm.IntegrationTests;

public class HealthTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly Farm _farm = fixture.Farm;

    [Fact]
    public async Task Grpc_health_service_answers_serving()
    {
        var client = new Health.HealthClient(_farm.NativeChannel);

        var reply = await client.CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Http_health_endpoints_answer_healthy(string path)
    {
        using var response = await _farm.Http.GetAsync(path);

        Assert.True(response.IsSuccessStatusCode, path);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_are_served_with_the_text_format_content_type()
    {
        using var response = await _farm.Http.GetAsync("/metrics");

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }
}
