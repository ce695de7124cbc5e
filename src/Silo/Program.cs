using Coordination.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddCoordinationSilo();

var app = builder.Build();
app.MapCoordinationHealth();

await app.MigrateDatabaseAsync();
await app.RunAsync();

public partial class Program;
