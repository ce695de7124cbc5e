using System.Diagnostics;
using System.Net;
using Coordination.Tests.Infrastructure;
using Coordination.Tests.Operations;
using Xunit.Abstractions;

namespace Coordination.Tests.EndToEnd;

/// <summary>
/// Live push with no singleton between feeds and web hosts: each feed grain pushes to the web hosts
/// that watch it, which are those with its agency's dashboards open, and a feed that moves to another
/// silo when its own dies is watched again there.
/// </summary>
public sealed class FanOutTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_agencys_items_are_pushed_only_to_the_web_hosts_where_it_has_dashboards()
    {
        await using var system = await CoordinationProcesses.CreateAsync("fan-out-scope");
        await system.StartSiloAsync();
        var web1 = await system.StartWebAsync();
        var web2 = await system.StartWebAsync();
        var (consul, _, ngos, field) = await FaultTests.SetUpAsync(system, receivingAgencies: 1);
        using var worker = await field.UserAsync("worker", ngos[0], "NgoCaseworker");
        await using var dashboard = await DashboardClient.ConnectAsync(web1.BaseAddress, worker.Token!);
        using var consulOnWeb2 = new ApiClient(web2.BaseAddress, consul.Token);

        var flagged = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            flagged.Add(await FaultTests.FlagAsync(consulOnWeb2, $"Scoped{i}"));
        }

        foreach (var caseId in flagged)
        {
            await dashboard.WaitForAsync(i => i.CaseId == caseId, TimeSpan.FromSeconds(60));
        }

        // Web 1 pushed them to the dashboard; web 2, where the flags came in but no dashboard of the
        // agency is open, was sent none of them (nor anything else: no dashboard is open there at all).
        Assert.True((await PrometheusText.ScrapeAsync(web1.BaseAddress)).Sum("coordination_delivery_latency_seconds_count") >= flagged.Count);
        Assert.Equal(0, (await PrometheusText.ScrapeAsync(web2.BaseAddress)).Sum("coordination_delivery_latency_seconds_count"));
    }

    [Fact]
    public async Task Dashboards_keep_receiving_items_live_when_the_silo_holding_their_feed_dies()
    {
        // The web hosts' own check for missed pushes runs only once a minute here, so what reaches the
        // dashboards after a silo dies comes from the feed grain's watchers.
        await using var system = await CoordinationProcesses.CreateAsync("fan-out-silo", new Dictionary<string, string>
        {
            ["Coordination__Web__PushCheckEvery"] = "00:01:00",
        });
        var silos = new[] { await system.StartSiloAsync(), await system.StartSiloAsync() };
        var web1 = await system.StartWebAsync();
        var web2 = await system.StartWebAsync();
        var (consul, _, ngos, field) = await FaultTests.SetUpAsync(system, receivingAgencies: 1);
        using var worker = await field.UserAsync("worker", ngos[0], "NgoCaseworker");
        await using var onWeb1 = await DashboardClient.ConnectAsync(web1.BaseAddress, worker.Token!);
        await using var onWeb2 = await DashboardClient.ConnectAsync(web2.BaseAddress, worker.Token!);
        var dashboards = new[] { onWeb1, onWeb2 };
        var warmUp = await FaultTests.FlagAsync(consul, "WarmUp");
        await ReceivedByAllAsync(dashboards, warmUp, TimeSpan.FromSeconds(60));

        // Whichever silo holds the agency's feed, it is killed once: the feed moves to the other.
        for (var s = 0; s < silos.Length; s++)
        {
            await silos[s].KillAsync();
            var killed = Stopwatch.StartNew();

            // Flags go on (503 until the dead silo is declared dead, retried with their key) until one
            // reaches both dashboards live again...
            var n = 0;
            string caseId;
            do
            {
                Assert.True(killed.Elapsed < TimeSpan.FromMinutes(3), "live push did not resume after the silo died");
                caseId = await FlagRetriedAsync(consul, $"Silo{s}Flag{n++}");
            }
            while (!await ReceivedByAllAsync(dashboards, caseId, TimeSpan.FromSeconds(3), require: false));
            output.WriteLine($"silo {s} killed: live push to both web hosts again after {killed.Elapsed.TotalSeconds:F1} s");

            // ...and from then on every one does.
            for (var i = 0; i < 3; i++)
            {
                await ReceivedByAllAsync(dashboards, await FlagRetriedAsync(consul, $"Silo{s}After{i}"), TimeSpan.FromSeconds(30));
            }

            silos[s] = await system.RestartAsync(silos[s]);
        }

        // Every item came by push: neither dashboard lost its connection and fetched with Since.
        Assert.All(dashboards, d => Assert.Equal(0, d.Reconnections));
    }

    private static async Task<string> FlagRetriedAsync(ApiClient consul, string name)
    {
        var key = $"flag-{name}";
        var retries = Stopwatch.StartNew();
        while (true)
        {
            var response = await consul.PostAsync("/api/cases", Field.Flag($"{name} Person", "F", 1992, "KG", "TR", "Region0", ["Shelter"]), key);
            if (response.Status is HttpStatusCode.Created or HttpStatusCode.OK)
            {
                return response.Json!["id"]!.GetValue<string>();
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
            Assert.True(retries.Elapsed < TimeSpan.FromMinutes(2), "the flag was not accepted within two minutes of retries");
            await Task.Delay(500);
        }
    }

    private static async Task<bool> ReceivedByAllAsync(IReadOnlyList<DashboardClient> dashboards, string caseId, TimeSpan timeout, bool require = true)
    {
        var waited = Stopwatch.StartNew();
        while (!dashboards.All(d => d.Received.Any(i => i.CaseId == caseId)))
        {
            if (waited.Elapsed > timeout)
            {
                Assert.False(require, $"case {caseId} did not reach every dashboard within {timeout.TotalSeconds} s");
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
