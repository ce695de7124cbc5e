using Coordination.Observability;
using Coordination.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddCoordinationSilo();

var app = builder.Build();
app.UseCoordinationMetrics();
app.MapCoordinationHealth();

await app.MigrateDatabaseAsync();
await app.RunAsync();

public partial class Program;
