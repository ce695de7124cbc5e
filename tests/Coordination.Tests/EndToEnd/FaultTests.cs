using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Feeds;
using Coordination.ServiceDefaults;
using Coordination.Tests.Committees;
using Coordination.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Coordination.Tests.EndToEnd;

/// <summary>
/// The delivery contract under faults: a silo killed mid-burst, a web host killed under its
/// dashboards, the database stopped, a silo killed while an alert waits for its deadline.
/// Loopback only; every wait is bounded.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_silo_killed_during_a_burst_of_flags_loses_nothing_and_duplicates_nothing()
    {
        await using var system = await CoordinationProcesses.CreateAsync("kill-silo");
        await system.StartSiloAsync();
        var victim = await system.StartSiloAsync();
        await system.StartWebAsync();
        var (consul, post, ngos, field) = await SetUpAsync(system, receivingAgencies: 3);

        // The kill comes early in the burst, so that most flags are still in flight when it lands.
        const int burst = 60, killAfter = 5;
        var created = new ConcurrentDictionary<int, string>();
        var errors = 0;
        var killed = new TaskCompletionSource();
        var watch = Stopwatch.StartNew();

        async Task FlagWithRetriesAsync(int n)
        {
            var key = $"burst-{field.Id("k")}-{n}";
            var flag = Field.Flag($"Burst Person {n}", n % 2 == 0 ? "F" : "M", 1990, "KG", "TR", $"Region{n % 3}", ["Shelter"], urgency: "Routine");
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (true)
            {
                try
                {
                    var response = await consul.PostAsync("/api/cases", flag, key);
                    if (response.Status is HttpStatusCode.Created or HttpStatusCode.OK)
                    {
                        created[n] = response.Json!["id"]!.GetValue<string>();
                        if (created.Count == killAfter)
                        {
                            killed.TrySetResult();
                        }

                        return;
                    }

                    Assert.True((int)response.Status >= 500, $"a flag was refused, not failed: {response.Status} {response.Body}");
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // the request died with the silo: retry with the same key
                }

                Interlocked.Increment(ref errors);
                Assert.True(DateTime.UtcNow < deadline, $"flag {n} kept failing for 3 minutes");
                await Task.Delay(500);
            }
        }

        var clients = Enumerable.Range(0, burst).Select(n => Task.Run(() => FlagWithRetriesAsync(n))).ToList();
        await killed.Task.WaitAsync(TimeSpan.FromMinutes(2));
        await victim.KillAsync();
        await Task.WhenAll(clients);
        output.WriteLine($"{burst} flags, silo killed after {killAfter}; {errors} failed attempts retried; all done in {watch.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(burst, created.Values.Distinct().Count());
        await using var connection = new NpgsqlConnection(system.ConnectionString);
        await connection.OpenAsync();
        var stored = await ListAsync(connection, "SELECT id FROM cases WHERE flagged_by = @post", post);
        Assert.Equal(created.Values.Order(), stored.Order());

        // Guarantee 1: a referral is in its feed before the 2xx, unless that feed could not be written
        // (it lived on the killed silo); then it waits in the outbox until the feed next catches up,
        // within 20 s of the feed being reachable again. So wait for the outbox to drain, bounded.
        const string referrals = "SELECT case_id FROM feed_items WHERE type = 'ReferralReceived' AND case_id IN (SELECT id FROM cases WHERE flagged_by = @post)";
        var answered = watch.Elapsed;
        var inFeedsAtAnswer = (await ListAsync(connection, referrals, post)).Count;
        var drainBy = DateTime.UtcNow.AddSeconds(60);
        while (await CountAsync(connection, "SELECT count(*) FROM feed_outbox") > 0)
        {
            Assert.True(DateTime.UtcNow < drainBy, "referrals still waited in the outbox 60 s after every flag was answered");
            await Task.Delay(500);
        }

        output.WriteLine($"{inFeedsAtAnswer} referrals in their feeds when the last flag was answered; the outbox drained {(watch.Elapsed - answered).TotalSeconds:F1} s later");
        foreach (var agency in ngos.Append(post))
        {
            var seqs = (await ListAsync(connection, "SELECT seq::text FROM feed_items WHERE agency_id = @post", agency)).Select(long.Parse).Order().ToList();
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        }

        var referred = await ListAsync(connection, referrals, post);
        Assert.Equal(created.Values.Order(), referred.Order());
    }

    [Fact]
    public async Task Dashboards_of_a_killed_web_host_reconnect_to_the_other_and_catch_up_with_nothing_missing()
    {
        await using var system = await CoordinationProcesses.CreateAsync("kill-web");
        await system.StartSiloAsync();
        var web1 = await system.StartWebAsync();
        var web2 = await system.StartWebAsync();
        var (consul, _, _, field) = await SetUpAsync(system, receivingAgencies: 1);
        using var worker = await field.UserAsync("worker", field.Id("ngo0"), "NgoCaseworker");
        using var consulOnWeb2 = new ApiClient(web2.BaseAddress, consul.Token);

        var dashboard = await DashboardClient.ConnectAsync(web1.BaseAddress, worker.Token!);
        var first = await FlagAsync(consulOnWeb2, "Before");
        var lastSeq = (await dashboard.WaitForAsync(i => i.CaseId == first)).Seq;

        await web1.KillAsync();
        var missed = new[] { await FlagAsync(consulOnWeb2, "During1"), await FlagAsync(consulOnWeb2, "During2") };
        await dashboard.DisposeAsync();

        // What a load balancer does when its backend dies: the dashboard's next connection lands on web 2.
        await using var reconnected = await DashboardClient.ConnectAsync(web2.BaseAddress, worker.Token!);
        var caughtUp = await reconnected.SinceAsync(lastSeq);
        Assert.Equal(missed, caughtUp.Where(i => i.Type == FeedItemType.ReferralReceived).Select(i => i.CaseId));
        Assert.Equal(Enumerable.Range(1, caughtUp.Count).Select(i => lastSeq + i), caughtUp.Select(i => i.Seq));
    }

    [Fact]
    public async Task A_dashboard_reconnects_by_itself_when_its_web_host_comes_back_and_catches_up_exactly()
    {
        await using var system = await CoordinationProcesses.CreateAsync("auto-reconnect");
        await system.StartSiloAsync();
        var web1 = await system.StartWebAsync();
        var web2 = await system.StartWebAsync();
        var (consul, _, _, field) = await SetUpAsync(system, receivingAgencies: 1);
        using var worker = await field.UserAsync("worker", field.Id("ngo0"), "NgoCaseworker");
        using var consulOnWeb2 = new ApiClient(web2.BaseAddress, consul.Token);

        await using var dashboard = await DashboardClient.ConnectAsync(web1.BaseAddress, worker.Token!, autoReconnect: true);
        var before = await FlagAsync(consulOnWeb2, "Before");
        var first = await dashboard.WaitForAsync(i => i.CaseId == before);

        await web1.KillAsync();
        var missed = new[] { await FlagAsync(consulOnWeb2, "Away1"), await FlagAsync(consulOnWeb2, "Away2") };
        await system.RestartAsync(web1);

        var received = new List<FeedItem>();
        foreach (var caseId in missed)
        {
            received.Add(await dashboard.WaitForAsync(i => i.CaseId == caseId, TimeSpan.FromSeconds(90)));
        }

        Assert.True(dashboard.Reconnections >= 1);
        Assert.Equal([first.Seq + 1, first.Seq + 2], received.Select(i => i.Seq));
    }

    [Fact]
    public async Task While_PostgreSQL_is_down_commands_get_503_nothing_acknowledged_is_lost_and_service_returns_by_itself()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var system = await CoordinationProcesses.CreateAsync("outage", connectionString: await postgres.CreateDatabaseAsync("coordination"));
        await system.StartSiloAsync();
        await system.StartWebAsync();
        var (consul, _, _, field) = await SetUpAsync(system, receivingAgencies: 1);
        using var worker = await field.UserAsync("worker", field.Id("ngo0"), "NgoCaseworker");

        var caseId = await FlagAsync(consul, "Before");
        var feed = (await worker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>();
        var referral = feed.Single(i => i.CaseId == caseId);
        (await worker.PostAsync($"/api/alerts/{referral.Id}/ack", null)).Expect(HttpStatusCode.OK);
        // Accepted, the agency sees who the person is (she consented to sharing), when the read can be audited.
        (await worker.PostAsync($"/api/cases/{caseId}/referrals/r1/accept", null)).Expect(HttpStatusCode.OK);
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "committee", "KG", "Asia/Bishkek");

        await postgres.StopServerAsync();
        var outage = Stopwatch.StartNew();
        var during = await consul.PostAsync("/api/cases", Field.Flag("During Outage", "F", 1990, "KG", "TR", "Region0", ["Shelter"]), "outage-key");
        output.WriteLine($"flag during outage: {(int)during.Status} after {outage.Elapsed.TotalSeconds:F1} s");
        during.ExpectProblem(HttpStatusCode.ServiceUnavailable);

        // Reads that live grain state can serve still work (personal data withheld: the read cannot be audited).
        var live = (await worker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK);
        Assert.Null(live.Json!["person"]);
        var cached = (await worker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>();
        Assert.Contains(cached, i => i.Id == referral.Id && i.AcknowledgedAt is not null);

        // A grain whose state Orleans must load first (the committee's plan) cannot activate: 503, not 500.
        (await secretary.GetAsync($"/api/committees/{committee}/plan")).ExpectProblem(HttpStatusCode.ServiceUnavailable);

        var remaining = TimeSpan.FromSeconds(10) - outage.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        await postgres.StartServerAsync();
        var recovered = Stopwatch.StartNew();
        ApiResponse retried;
        do
        {
            Assert.True(recovered.Elapsed < TimeSpan.FromMinutes(2), "the service did not come back after the database returned");
            await Task.Delay(500);
            retried = await consul.PostAsync("/api/cases", Field.Flag("During Outage", "F", 1990, "KG", "TR", "Region0", ["Shelter"]), "outage-key");
        }
        while (retried.Status == HttpStatusCode.ServiceUnavailable);
        output.WriteLine($"service back {recovered.Elapsed.TotalSeconds:F1} s after the database");
        retried.Expect(HttpStatusCode.Created);

        var after = (await worker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>();
        Assert.NotNull(after.Single(i => i.Id == referral.Id).AcknowledgedAt);
        Assert.Equal([1L, 2L], after.Select(i => i.Seq));
        Assert.Equal("Before Person", (await worker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!["person"]!["fullName"]!.GetValue<string>());
        (await secretary.GetAsync($"/api/committees/{committee}/plan")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_unacknowledged_critical_alert_escalates_even_when_its_silo_was_killed_before_the_deadline()
    {
        await using var system = await CoordinationProcesses.CreateAsync("kill-deadline", new Dictionary<string, string>
        {
            ["Coordination__Ack__Critical"] = "00:00:15",
            ["Coordination__Ack__RepeatEvery"] = "00:10:00",
        });
        var silo = await system.StartSiloAsync();
        await system.StartWebAsync();
        var (consul, _, _, field) = await SetUpAsync(system, receivingAgencies: 1);
        using var worker = await field.UserAsync("worker", field.Id("ngo0"), "NgoCaseworker");

        var flagged = (await consul.PostAsync("/api/cases", Field.Flag("Critical Person", "F", 1990, "KG", "TR", "Region0", ["Shelter"])))
            .Expect(HttpStatusCode.Created);
        var caseId = flagged.Json!["id"]!.GetValue<string>();
        var referral = (await worker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>().Single(i => i.CaseId == caseId);

        await silo.KillAsync();
        await system.RestartAsync(silo);

        var deadline = DateTime.UtcNow.AddMinutes(2);
        List<FeedItem> overdue;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "no AckOverdue within two minutes of a 15-second deadline");
            await Task.Delay(500);
            var response = await worker.GetAsync("/api/feed?after=0");
            overdue = response.Status == HttpStatusCode.OK
                ? response.As<List<FeedItem>>().Where(i => i.Type == FeedItemType.AckOverdue).ToList()
                : [];
        }
        while (overdue.Count == 0);

        var alert = Assert.Single(overdue);
        Assert.Equal(referral.Id.ToString(), alert.Data["itemId"]);
        Assert.True(alert.OccurredAt >= referral.AckDeadline);
        output.WriteLine($"escalated {(alert.OccurredAt - referral.AckDeadline!.Value).TotalSeconds:F1} s after the deadline");
        var postFeed = (await consul.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>();
        Assert.Contains(postFeed, i => i.Type == FeedItemType.AckOverdue && i.Data["itemId"] == referral.Id.ToString());
    }

    [Fact]
    public async Task Deadlines_held_by_a_silo_killed_while_the_cluster_runs_on_still_escalate_on_the_survivor()
    {
        await using var system = await CoordinationProcesses.CreateAsync("kill-one-of-two", new Dictionary<string, string>
        {
            ["Coordination__Ack__Critical"] = "00:00:20",
            ["Coordination__Ack__RepeatEvery"] = "00:10:00",
        });
        await system.StartSiloAsync();
        var victim = await system.StartSiloAsync();
        await system.StartWebAsync();
        var (consul, _, ngos, _) = await SetUpAsync(system, receivingAgencies: 4);

        // One critical referral per agency, so their feeds are spread over both silos.
        for (var i = 0; i < ngos.Count; i++)
        {
            (await consul.PostAsync("/api/cases", Field.Flag($"Person {i}", "F", 1990, "KG", "TR", $"Region{i}", ["Shelter"])))
                .Expect(HttpStatusCode.Created);
        }

        await victim.KillAsync();

        await using var connection = new NpgsqlConnection(system.ConnectionString);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow.AddMinutes(3);
        List<string> escalated;
        do
        {
            Assert.True(DateTime.UtcNow < deadline,
                $"not every agency got its AckOverdue within three minutes of a 20-second deadline; the hosts' warnings:\n{system.Warnings()}");
            await Task.Delay(1000);
            escalated = await ListAsync(connection, "SELECT DISTINCT agency_id FROM feed_items WHERE type = 'AckOverdue' AND agency_id <> @post", "");
        }
        while (!ngos.All(escalated.Contains));
    }

    [Fact]
    public async Task An_item_committed_without_a_live_push_still_reaches_a_connected_dashboard()
    {
        await using var system = await CoordinationProcesses.StartAsync("lost-push");
        var (consul, post, ngos, field) = await SetUpAsync(system, receivingAgencies: 1);
        using var worker = await field.UserAsync("worker", ngos[0], "NgoCaseworker");
        await using var dashboard = await DashboardClient.ConnectAsync(system.WebUrl, worker.Token!);
        var pushed = await FlagAsync(consul, "Pushed");
        var first = await dashboard.WaitForAsync(i => i.CaseId == pushed, TimeSpan.FromSeconds(90));

        // Written by another activation of the feed (one left on a silo declared dead while it still ran,
        // played here by this process): committed, and never pushed to this web host.
        await using var db = CoordinationDatabase.CreateDataSource(system.ConnectionString);
        var other = new FeedLog(ngos[0], Integration.FeedLogTests.Writes(db), new AckOptions(), TimeProvider.System, _ => { }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await other.DeliverAsync(new FeedDelivery(ngos[0], Guid.NewGuid(), DateTimeOffset.UtcNow, [],
            [new NewFeedItem(ngos[0], $"unannounced-{field.Id("item")}", FeedItemType.ReferralReceived, FeedItemKind.Alert, null, null, null,
                "Referral whose push was lost", Urgency.Routine, RequiresAck: false, CausedByAgencyId: post, new Dictionary<string, string>())]));

        var recovered = await dashboard.WaitForAsync(i => i.Summary == "Referral whose push was lost", TimeSpan.FromSeconds(30));
        Assert.Equal(first.Seq + 1, recovered.Seq);
    }

    /// <summary>
    /// A frozen silo answers nothing and its connections stay open, so only a deadline ends a
    /// request's wait: the per-call response timeout (3 s here, instead of Orleans' 30 s), or, when
    /// each call may wait 30 s, the request's budget for all its calls together (2 s).
    /// </summary>
    [Theory]
    [InlineData("paused-silo", "00:00:03", null)]
    [InlineData("budgeted-request", "00:00:30", "00:00:02")]
    public async Task A_request_whose_silo_stops_answering_gets_a_503_within_the_web_hosts_timeout_or_its_budget(
        string name, string responseTimeout, string? requestBudget)
    {
        var environment = new Dictionary<string, string> { ["Orleans__ResponseTimeout"] = responseTimeout };
        if (requestBudget is not null)
        {
            environment["Orleans__RequestBudget"] = requestBudget;
        }

        await using var system = await CoordinationProcesses.CreateAsync(name, environment);
        var silo = await system.StartSiloAsync();
        await system.StartWebAsync();
        var (consul, _, _, _) = await SetUpAsync(system, receivingAgencies: 1);
        (await consul.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK);

        await SignalAsync(silo, "STOP");
        try
        {
            var waited = Stopwatch.StartNew();
            var response = await consul.GetAsync("/api/feed?after=0");
            output.WriteLine($"answered {(int)response.Status} after {waited.Elapsed.TotalSeconds:F1} s");
            response.ExpectProblem(HttpStatusCode.ServiceUnavailable);
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), "the request waited for a 30-second timeout, not the web host's timeout or its budget");
        }
        finally
        {
            await SignalAsync(silo, "CONT");
        }

        // Once the silo answers, requests succeed again on the same host.
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while ((await consul.GetAsync("/api/feed?after=0")).Status != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "the service did not come back after the silo resumed");
            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task After_a_web_host_dies_the_silo_stops_pushing_to_it_at_the_first_failure_and_says_so_once()
    {
        await using var system = await CoordinationProcesses.CreateAsync("dead-web-logs");
        var silo = await system.StartSiloAsync();
        var web1 = await system.StartWebAsync();
        var web2 = await system.StartWebAsync();
        var (consul, _, ngos, field) = await SetUpAsync(system, receivingAgencies: 1);
        using var worker = await field.UserAsync("worker", ngos[0], "NgoCaseworker");
        using var consulOnWeb2 = new ApiClient(web2.BaseAddress, consul.Token);

        // A push reaching web 1 shows the agency's feed has web 1 among its watchers; web 1 dies with
        // the dashboard still open, so the feed still holds it.
        await using var dashboard = await DashboardClient.ConnectAsync(web1.BaseAddress, worker.Token!);
        var before = await FlagAsync(consulOnWeb2, "Before");
        await dashboard.WaitForAsync(i => i.CaseId == before, TimeSpan.FromSeconds(90));

        await web1.KillAsync();
        for (var i = 0; i < 20; i++)
        {
            await FlagAsync(consulOnWeb2, $"After{i}");
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        string log;
        do
        {
            await Task.Delay(500);
            log = File.ReadAllText(silo.LogFile);
        }
        while (!log.Contains("stopped taking pushes", StringComparison.Ordinal) && DateTime.UtcNow < deadline);

        // Later items are not pushed to the dead host at all: no more of its pushes time out (those in
        // flight when it died all have, a push's response timeout later).
        await Task.Delay(TimeSpan.FromSeconds(8));
        var timedOut = Lines(File.ReadAllText(silo.LogFile)).Count(IsUnansweredPush);
        for (var i = 0; i < 5; i++)
        {
            await FlagAsync(consulOnWeb2, $"Later{i}");
        }

        await Task.Delay(TimeSpan.FromSeconds(8));
        var lines = Lines(File.ReadAllText(silo.LogFile));
        output.WriteLine(string.Join('\n', lines.Where(l => l.Contains(" WRN] ", StringComparison.Ordinal) || l.Contains(" ERR] ", StringComparison.Ordinal))));
        Assert.Single(lines, l => l.Contains("stopped taking pushes", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Discarding rejection", StringComparison.Ordinal));
        Assert.Equal(timedOut, lines.Count(IsUnansweredPush));

        static string[] Lines(string text) => text.Split('\n');
        static bool IsUnansweredPush(string line) => line.Contains("did not arrive on time", StringComparison.Ordinal) && line.Contains("OnFeedItems", StringComparison.Ordinal);
    }

    private static async Task SignalAsync(HostProcess host, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", host.ProcessId.ToString()])!;
        await kill.WaitForExitAsync();
    }

    internal static async Task<(ApiClient Consul, string Post, IReadOnlyList<string> Ngos, Field Field)> SetUpAsync(CoordinationProcesses system, int receivingAgencies)
    {
        var field = await Field.CreateAsync(system);
        var post = await field.AgencyAsync("post", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        var ngos = new List<string>();
        for (var i = 0; i < receivingAgencies; i++)
        {
            ngos.Add(await field.AgencyAsync($"ngo{i}", Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", [$"Region{i}"], ["FRU"], ["Shelter"])));
        }

        return (await field.UserAsync("consul", post, "ConsularOfficer"), post, ngos, field);
    }

    /// <summary>
    /// Flags a case as a careful client does: a 503 says the request may not have taken effect, so it
    /// is sent again with the same Idempotency-Key (a loaded machine answers one late now and then;
    /// these tests are about what dashboards receive, not about that answer).
    /// </summary>
    internal static async Task<string> FlagAsync(ApiClient consul, string name)
    {
        var flag = Field.Flag($"{name} Person", "F", 1992, "KG", "TR", "Region0", ["Shelter"]);
        var key = $"fault-{Guid.NewGuid():N}";
        for (var attempt = 1; ; attempt++)
        {
            var response = await consul.PostAsync("/api/cases", flag, key);
            if (response.Status != HttpStatusCode.ServiceUnavailable || attempt == 5)
            {
                // A retry of a flag that did take effect is answered 200 with the case it made.
                Assert.True(response.Status == HttpStatusCode.Created || (attempt > 1 && response.Status == HttpStatusCode.OK),
                    $"expected 201 but got {(int)response.Status}: {response.Body}");
                return response.Json!["id"]!.GetValue<string>();
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> ListAsync(NpgsqlConnection connection, string sql, string post)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("post", post);
        var values = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
