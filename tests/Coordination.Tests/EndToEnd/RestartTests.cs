using System.Net;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.EndToEnd;

/// <summary>Everything acknowledged is durable; a dashboard that was away gets exactly what it missed.</summary>
public sealed class RestartTests : IAsyncLifetime
{
    private CoordinationProcesses _system = null!;

    public async Task InitializeAsync() => _system = await CoordinationProcesses.StartAsync("restart");

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Cases_feeds_and_acknowledgements_survive_a_restart_and_a_reconnecting_dashboard_gets_exactly_what_it_missed()
    {
        var field = await Field.CreateAsync(_system);
        var post = await field.AgencyAsync("kg-ist", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("kg-chui", Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", ["Chui"], ["FRU"], ["Shelter", "Legal"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");

        long lastSeq;
        string first;
        await using (var dashboard = await DashboardClient.ConnectAsync(_system.WebUrl, worker.Token!))
        {
            first = await FlagAsync(consul, "First");
            var received = await dashboard.WaitForAsync(i => i.CaseId == first);
            (await worker.PostAsync($"/api/alerts/{received.Id}/ack", null)).Expect(HttpStatusCode.OK);
            lastSeq = received.Seq;
        }

        var missed = new[] { await FlagAsync(consul, "Second"), await FlagAsync(consul, "Third") };

        var silo = _system.Silos.Single();
        var web = _system.Webs.Single();
        await web.StopAsync();
        await silo.StopAsync();
        await _system.RestartAsync(silo);
        await _system.RestartAsync(web);

        // The same tokens still work: nothing about a session lives in a process.
        var afterRestart = (await consul.GetAsync($"/api/cases/{first}")).Expect(HttpStatusCode.OK);
        Assert.Equal(ngo, afterRestart.Json!["referrals"]![0]!["toAgencyId"]!.GetValue<string>());
        var feed = (await worker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>();
        Assert.NotNull(feed.Single(i => i.CaseId == first).AcknowledgedAt);

        await using var reconnected = await DashboardClient.ConnectAsync(_system.WebUrl, worker.Token!);
        var caughtUp = await reconnected.SinceAsync(lastSeq);
        Assert.Equal(missed, caughtUp.Select(i => i.CaseId));
        Assert.Equal([lastSeq + 1, lastSeq + 2], caughtUp.Select(i => i.Seq));
        Assert.All(caughtUp, i => Assert.Equal(FeedItemType.ReferralReceived, i.Type));

        // Live push works again after the restart, continuing the same sequence.
        var fourth = await FlagAsync(consul, "Fourth");
        var pushed = await reconnected.WaitForAsync(i => i.CaseId == fourth, TimeSpan.FromSeconds(60));
        Assert.Equal(lastSeq + 3, pushed.Seq);

        var all = (await worker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>();
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(i => i.Seq));
        Assert.Equal(4, all.Count);
    }

    private static async Task<string> FlagAsync(ApiClient consul, string name) =>
        (await consul.PostAsync("/api/cases", Field.Flag($"{name} Person", "F", 1992, "KG", "TR", "Chui", ["Shelter"])))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
}
