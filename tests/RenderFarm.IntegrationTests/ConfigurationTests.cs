using RenderFarm.Testing;

namespace RenderFarm.IntegrationTests;

public class ConfigurationTests
{
    [Theory]
    [InlineData("RenderFarm:InstanceTtl", "00:00:03", "RenderFarm:InstanceTtl must exceed RenderFarm:HeartbeatInterval")]
    [InlineData("RenderFarm:GrpcPort", "99999", "RenderFarm:GrpcPort must be between 0 and 65535")]
    [InlineData("RenderFarm:MaxInstances", "0", "RenderFarm:MaxInstances must be between 1")]
    [InlineData("RenderFarm:InstanceTtl", "thirty seconds", "RenderFarm:InstanceTtl")]
    public async Task Bad_setting_stops_the_server_with_a_message_naming_the_key(string key, string value, string expected)
    {
        var (exitCode, output) = await ServerProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["RenderFarm:GrpcPort"] = "0",
            ["RenderFarm:HttpPort"] = "0",
            [key] = value,
        });

        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, output);
    }
}
