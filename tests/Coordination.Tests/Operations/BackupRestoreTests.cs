using System.Net;
using System.Text.Json.Nodes;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Coordination.Tests.Operations;

/// <summary>
/// Disaster recovery as docs/operations.md describes it, on a cluster started with the deploy
/// configuration: back up with deploy/backup.sh, lose the database, restore with deploy/restore.sh,
/// start the processes again.
/// </summary>
public sealed class BackupRestoreTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_cluster_restored_from_a_backup_has_every_case_and_feed_item_back_and_serves_again()
    {
        await using var server = await PostgresServer.StartAsync();
        var connectionString = await server.CreateDatabaseAsync("coordination");
        await using var system = await CoordinationProcesses.CreateAsync("restore", DeployFiles.SystemdSettings(), connectionString);
        var silos = new[] { await system.StartSiloAsync(), await system.StartSiloAsync() };
        var webs = new[] { await system.StartWebAsync(), await system.StartWebAsync() };

        var field = await Field.CreateAsync(system);
        var post = await field.AgencyAsync("kg-ist", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        var region = field.Region("Chui");
        var ngo = await field.AgencyAsync("kg-chui", Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", [region], ["FRU"], ["Shelter"]));
        var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");
        using var consulOnWeb1 = new ApiClient(webs[0].BaseAddress, consul.Token);
        using var consulOnWeb2 = new ApiClient(webs[1].BaseAddress, consul.Token);
        ApiClient[] consulOn = [consulOnWeb1, consulOnWeb2];

        // Cases through both web hosts, so their grains live on both silos; one acknowledged
        // referral and one booked flight, so feeds hold acknowledgements and pickups too.
        var caseIds = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            caseIds.Add((await consulOn[i % 2].PostAsync("/api/cases", Field.Flag($"Restored Person {i}", i % 2 == 0 ? "F" : "M", 1985 + i, "KG", "TR", region, ["Shelter"], urgency: "Routine")))
                .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>());
        }

        var ngoFeed = await FeedAsync(worker);
        (await worker.PostAsync($"/api/alerts/{ngoFeed[0]!["id"]}/ack", null)).Expect(HttpStatusCode.OK);
        var travel = new { flightNumber = "KC 912", departureAirport = "IST", arrivalAirport = "FRU", scheduledArrival = DateTimeOffset.UtcNow.AddDays(3), escort = "IOM", travelDocument = "Certificate of return" };
        (await consul.PostAsync($"/api/cases/{caseIds[1]}/travel", travel)).Expect(HttpStatusCode.OK);

        var before = await SnapshotAsync(consul, worker, caseIds);
        Assert.Equal(6 + 1, before.NgoFeed.Count); // six referrals and one pickup request

        var backup = Path.Combine(Path.GetTempPath(), $"coordination-{Guid.NewGuid():N}.dump");
        try
        {
            var written = await DeployFiles.RunScriptAsync("backup.sh", Connection(connectionString), "--output", backup);
            Assert.Equal(backup, written.Trim());

            // The disaster: the database is gone while the cluster runs, and it stops being ready.
            await using (var admin = new NpgsqlConnection(server.ConnectionString("postgres")))
            {
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand("DROP DATABASE coordination WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }

            using var probe = new HttpClient { BaseAddress = webs[0].BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            await Eventually.ReturnsAsync(async () => (await probe.GetAsync("/health/ready")).StatusCode,
                status => status != HttpStatusCode.OK, "web host ready without its database");

            // The procedure of docs/operations.md: stop the web hosts, then the silos, restore, start
            // the silos, then the web hosts. Without their database the silos cannot leave the
            // cluster gracefully and stop after their shutdown timeout.
            await Task.WhenAll(webs.Select(w => w.StopAsync()));
            await Task.WhenAll(silos.Select(s => s.StopAsync()));

            await DeployFiles.RunScriptAsync("restore.sh", Connection(connectionString), "--input", backup);
            foreach (var host in silos.Concat(webs))
            {
                await system.RestartAsync(host);
            }
        }
        finally
        {
            File.Delete(backup);
        }

        var after = await SnapshotAsync(consul, worker, caseIds);
        foreach (var caseId in caseIds)
        {
            Assert.True(JsonNode.DeepEquals(before.Cases[caseId], after.Cases[caseId]), $"case {caseId} differs after the restore:\n{before.Cases[caseId]}\n{after.Cases[caseId]}");
        }

        Assert.True(JsonNode.DeepEquals(before.NgoFeed, after.NgoFeed), $"the NGO's feed differs after the restore:\n{before.NgoFeed}\n{after.NgoFeed}");
        Assert.True(JsonNode.DeepEquals(before.PostFeed, after.PostFeed), $"the post's feed differs after the restore:\n{before.PostFeed}\n{after.PostFeed}");
        output.WriteLine($"restored {caseIds.Count} cases, {after.NgoFeed.Count} + {after.PostFeed.Count} feed items");

        // Serving again, across both web hosts and both silos: a case flagged through one web host
        // reaches a dashboard on the other, next in its feed's sequence, under a new case number.
        await using var dashboard = await DashboardClient.ConnectAsync(system.Webs[1].BaseAddress, worker.Token!);
        var fresh = (await consulOn[0].PostAsync("/api/cases", Field.Flag("After Restore", "F", 1999, "KG", "TR", region, ["Shelter"], urgency: "Routine")))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        Assert.DoesNotContain(fresh, caseIds);
        var pushed = await dashboard.WaitForAsync(i => i.CaseId == fresh && i.Type == FeedItemType.ReferralReceived);
        Assert.Equal(before.NgoFeed[^1]!["seq"]!.GetValue<long>() + 1, pushed.Seq);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var active = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE status = 3", connection);
        Assert.Equal(2L, (long)(await active.ExecuteScalarAsync())!);
    }

    private static Dictionary<string, string> Connection(string connectionString) =>
        new() { ["ConnectionStrings__Coordination"] = connectionString };

    private static async Task<JsonArray> FeedAsync(ApiClient client) =>
        (await client.GetAsync("/api/feed?after=0&limit=1000")).Expect(HttpStatusCode.OK).Json!.AsArray();

    private static async Task<Snapshot> SnapshotAsync(ApiClient consul, ApiClient worker, IEnumerable<string> caseIds)
    {
        var cases = new Dictionary<string, JsonNode>();
        foreach (var caseId in caseIds)
        {
            var view = (await consul.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!;
            var timeline = (await consul.GetAsync($"/api/cases/{caseId}/timeline")).Expect(HttpStatusCode.OK).Json!;
            cases[caseId] = new JsonObject { ["case"] = view, ["timeline"] = timeline };
        }

        return new Snapshot(cases, await FeedAsync(worker), await FeedAsync(consul));
    }

    private sealed record Snapshot(IReadOnlyDictionary<string, JsonNode> Cases, JsonArray NgoFeed, JsonArray PostFeed);
}
