using Coordination.Web.Agencies;
using Coordination.Web.Audit;
using Coordination.Web.Auth;
using Coordination.Web.Cases;
using Coordination.Web.Export;
using Coordination.Web.Feeds;
using Coordination.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddCoordinationWeb();
builder.Services.AddAuthApi(builder.Configuration);
builder.Services.AddFeedPush();
builder.Services.AddCaseApi();
builder.Services.AddAuditApi();

var app = builder.Build();
app.UseCoordinationWeb();
app.MapAuthApi();
app.MapAgencyApi();
app.MapCaseApi();
app.MapFeedApi();
app.MapExportApi();
app.MapAuditApi();

await app.RunAsync();

public partial class Program;
