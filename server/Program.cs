using RenderFarm.Server;
using RenderFarm.Server.Cli;
using RenderFarm.Server.Startup;

// "RenderFarm.Server check …" is the monitoring check: it asks a server, it starts none.
if (args is ["check", .. var checkArgs])
{
    return await CheckCommand.RunAsync(checkArgs, Console.Out);
}

var builder = ServerHost.CreateBuilder(args);
if (ConfigurationCheck.Errors(builder.Configuration) is [_, ..] mistakes)
{
    return StartFailure.Report(mistakes, StartFailure.ConfigurationError);
}

builder.AddRenderFarm();
return await StartFailure.RunAsync(builder, app => app.MapRenderFarm());
