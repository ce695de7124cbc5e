using Coordination.Web.Agencies;
using Coordination.Web.Auth;
using Coordination.Web.Cases;
using Coordination.Web.Export;
using Coordination.Web.Feeds;
using Coordination.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddCoordinationWeb();
builder.Services.AddAuthApi(builder.Configuration);
builder.Services.AddFeedPush();

var app = builder.Build();
app.UseCoordinationWeb();
app.MapAuthApi();
app.MapAgencyApi();
app.MapCaseApi();
app.MapFeedApi();
app.MapExportApi();

await app.RunAsync();

public partial class Program;
