using System.Net;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Operations;

/// <summary>
/// The product's metrics as Prometheus scrapes them from the running processes: dashboards
/// connected, alerts waiting for acknowledgement, escalations raised and delivery latency, next
/// to Orleans' own.
/// </summary>
public sealed class MetricsTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Coordination__Ack__Critical"] = "00:00:03",
        ["Coordination__Ack__RepeatEvery"] = "00:10:00",
        ["Coordination__Observability__PendingAlertsRefresh"] = "00:00:01",
    };

    private CoordinationProcesses _system = null!;

    public async Task InitializeAsync() => _system = await CoordinationProcesses.StartAsync("metrics", Settings);

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Metrics_count_connected_dashboards_waiting_alerts_escalations_and_delivery_latency()
    {
        var field = await Field.CreateAsync(_system);
        var post = await field.AgencyAsync("kg-ist", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        var region = field.Region("Chui");
        var ngo = await field.AgencyAsync("kg-chui", Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", [region], ["FRU"], ["Shelter"]));
        var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");
        var silo = _system.Silos[0].BaseAddress;
        var web = _system.Webs[0].BaseAddress;

        var dashboard = await DashboardClient.ConnectAsync(web, worker.Token!);
        await MetricAsync(web, "coordination_dashboards_connected", v => v == 1, ("agency", ngo));

        var caseId = (await consul.PostAsync("/api/cases", Field.Flag("Metric Person", "F", 1990, "KG", "TR", region, ["Shelter"], urgency: "Critical")))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        var referral = await dashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived);
        await MetricAsync(silo, "coordination_alerts_pending_ack", v => v == 1, ("agency", ngo));

        var delivered = await PrometheusText.ScrapeAsync(web);
        var count = delivered.Value("coordination_delivery_latency_seconds_count", ("type", "ReferralReceived"));
        var sum = delivered.Value("coordination_delivery_latency_seconds_sum", ("type", "ReferralReceived"));
        Assert.True(count >= 1, $"no delivery recorded: {count}");
        Assert.InRange(sum!.Value / count!.Value, 0, 5);

        await dashboard.WaitForAsync(i => i.Type == FeedItemType.AckOverdue && i.Data["itemId"] == referral.Id.ToString());
        // The overdue alert goes to the agency that did not acknowledge and to the one that caused the alert.
        await MetricAsync(silo, "coordination_escalations_raised_total", v => v >= 1, ("agency", ngo));
        await MetricAsync(silo, "coordination_escalations_raised_total", v => v >= 1, ("agency", post));

        (await worker.PostAsync($"/api/alerts/{referral.Id}/ack", null)).Expect(HttpStatusCode.OK);
        await MetricAsync(silo, "coordination_alerts_pending_ack", v => v == 0, ("agency", ngo));

        await dashboard.DisposeAsync();
        await MetricAsync(web, "coordination_dashboards_connected", v => v == 0, ("agency", ngo));

        var orleans = await PrometheusText.ScrapeAsync(silo);
        Assert.True(orleans.Sum("orleans_catalog_activations") > 0, "Orleans' own meter should count the silo's activations");
    }

    private static Task<double?> MetricAsync(Uri host, string name, Func<double, bool> holds, params (string Key, string Value)[] labels) =>
        Eventually.ReturnsAsync(
            async () => (await PrometheusText.ScrapeAsync(host)).Value(name, labels),
            v => v is { } value && holds(value),
            $"{name}{{{string.Join(',', labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} on {host}");
}
