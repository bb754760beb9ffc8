using RenderFarm.Server;
using RenderFarm.Server.NodeStatus;

// "RenderFarm.Server check …" is the monitoring check: it asks a server, it starts none.
if (args is ["check", .. var checkArgs])
{
    return await CheckCommand.RunAsync(checkArgs, Console.Out);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddRenderFarm();

var app = builder.Build();
app.MapRenderFarm();
app.Run();
return 0;
