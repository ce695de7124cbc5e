using Coordination.ServiceDefaults;
using Coordination.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddCoordinationSilo();

var app = builder.Build();
app.MapServiceDefaults();

await app.MigrateDatabaseAsync();
await app.RunAsync();

public partial class Program;
