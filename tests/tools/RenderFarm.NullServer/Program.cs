using Grpc.AspNetCore.Server.Model;
using RenderFarm.NullServer;
using RenderFarm.Server;
using RenderFarm.Server.Ingest;

// The same services, options and ports as the server; only the Reporter service differs.
var builder = WebApplication.CreateBuilder(args);
builder.AddRenderFarm();
builder.Services.AddSingleton<IServiceMethodProvider<NullReporterService>, NullReporterMethods>();
builder.Services.AddGrpc()
    .AddServiceOptions<NullReporterService>(reporter => reporter.Interceptors.Add<BearerTokenInterceptor>());

var app = builder.Build();
app.UseRouting();
app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
app.MapGrpcService<NullReporterService>();
app.Lifetime.ApplicationStarted.Register(app.Services.GetRequiredService<ListenPorts>().LogBound);
app.Run();
