using Coordination.Web.Agencies;
using Coordination.Web.Audit;
using Coordination.Web.Auth;
using Coordination.Web.Cases;
using Coordination.Web.Committees;
using Coordination.Web.Export;
using Coordination.Web.Feeds;
using Coordination.Web.Hosting;
using Coordination.Web.Notify;
using Coordination.Web.Places;
using Coordination.Web.Statistics;

var builder = WebApplication.CreateBuilder(args);
builder.AddCoordinationWeb();
builder.Services.AddAuthApi(builder.Configuration);
builder.Services.AddFeedPush();
builder.Services.AddCaseApi();
builder.Services.AddAuditApi();
builder.Services.AddCommitteeApi(builder.Configuration);

var app = builder.Build();
app.UseCoordinationWeb();
app.MapAuthApi();
app.MapSecondFactorApi();
app.MapUserAdminApi();
app.MapAgencyApi();
app.MapPlaceApi();
app.MapDutyRotaApi();
app.MapEscalationApi();
app.MapCapacityApi();
app.MapWebhookApi();
app.MapChannelApi();
app.MapPushChannelApi();
app.MapNotificationApi();
app.MapCaseApi();
app.MapFeedApi();
app.MapExportApi();
app.MapAuditApi();
app.MapCommitteeApi();
app.MapStatisticsApi();

await app.RunAsync();

public partial class Program;
