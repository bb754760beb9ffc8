using RenderFarm.Server;

var builder = WebApplication.CreateBuilder(args);
builder.AddRenderFarm();

var app = builder.Build();
app.MapRenderFarm();
app.Run();
