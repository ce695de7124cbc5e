using System.Net;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;
using Npgsql;

namespace Coordination.Tests.EndToEnd;

/// <summary>
/// Two silos and two web hosts sharing one database, with acknowledgement deadlines of seconds:
/// pushes cross web hosts, unacknowledged alerts escalate and repeat, retries replay.
/// </summary>
public sealed class ClusterDeliveryTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> ShortDeadlines = new()
    {
        ["Coordination__Ack__Critical"] = "00:00:04",
        ["Coordination__Ack__Urgent"] = "00:00:30",
        ["Coordination__Ack__Routine"] = "00:01:00",
        ["Coordination__Ack__RepeatEvery"] = "00:00:04",
    };

    private CoordinationProcesses _system = null!;

    public async Task InitializeAsync()
    {
        _system = await CoordinationProcesses.CreateAsync("cluster", ShortDeadlines);
        await _system.StartSiloAsync();
        await _system.StartSiloAsync();
        await _system.StartWebAsync();
        await _system.StartWebAsync();
    }

    public async Task DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task A_dashboard_on_the_second_web_host_gets_the_alert_for_a_case_flagged_through_the_first()
    {
        var (consul, worker, field) = await SetUpAsync();
        var web1 = _system.Webs[0].BaseAddress;
        var web2 = _system.Webs[1].BaseAddress;
        using var consulOnWeb1 = new ApiClient(web1, consul.Token);
        await using var dashboardOnWeb2 = await DashboardClient.ConnectAsync(web2, worker.Token!);

        // The dashboard's web host watches the agency's feed once the dashboard has connected; wait
        // for the first push before counting on every later one.
        var warmUp = (await consulOnWeb1.PostAsync("/api/cases", Field.Flag("Warm Up", "F", 1990, "KG", "TR", field.Region("Chui"), ["Shelter"], urgency: "Routine")))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        await dashboardOnWeb2.WaitForAsync(i => i.CaseId == warmUp, TimeSpan.FromSeconds(90));

        var caseIds = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            // Several cases, so their grains land on both silos.
            caseIds.Add((await consulOnWeb1.PostAsync("/api/cases", Field.Flag($"Person {i}", "F", 1990, "KG", "TR", field.Region("Chui"), ["Shelter"], urgency: "Routine")))
                .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>());
        }

        foreach (var caseId in caseIds)
        {
            await dashboardOnWeb2.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived);
        }

        await using var connection = new NpgsqlConnection(_system.ConnectionString);
        await connection.OpenAsync();
        await using var active = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE status = 3", connection);
        Assert.Equal(2L, (long)(await active.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task An_unacknowledged_critical_alert_escalates_to_both_agencies_and_repeats_until_acknowledged()
    {
        var (consul, worker, field) = await SetUpAsync();
        await using var ngoDashboard = await DashboardClient.ConnectAsync(_system.Webs[0].BaseAddress, worker.Token!);
        await using var postDashboard = await DashboardClient.ConnectAsync(_system.Webs[1].BaseAddress, consul.Token!);

        var caseId = (await consul.PostAsync("/api/cases", Field.Flag("Critical Person", "F", 1990, "KG", "TR", field.Region("Chui"), ["Shelter"])))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        var referral = await ngoDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived);

        var first = await ngoDashboard.WaitForAsync(i => i.Type == FeedItemType.AckOverdue && i.Data["itemId"] == referral.Id.ToString());
        Assert.Equal("1", first.Data["escalation"]);
        Assert.True(first.OccurredAt >= referral.AckDeadline, "escalated before the deadline");
        var toPost = await postDashboard.WaitForAsync(i => i.Type == FeedItemType.AckOverdue && i.Data["itemId"] == referral.Id.ToString());
        Assert.Equal(caseId, toPost.CaseId);

        var second = await ngoDashboard.WaitForAsync(i => i.Type == FeedItemType.AckOverdue && i.Data["itemId"] == referral.Id.ToString());
        Assert.Equal("2", second.Data["escalation"]);

        (await worker.PostAsync($"/api/alerts/{referral.Id}/ack", null)).Expect(HttpStatusCode.OK);
        await using var connection = new NpgsqlConnection(_system.ConnectionString);
        await connection.OpenAsync();
        await using var pending = new NpgsqlCommand("SELECT next_escalation_at IS NULL FROM feed_items WHERE id = @id", connection);
        pending.Parameters.AddWithValue("id", referral.Id);
        Assert.True((bool)(await pending.ExecuteScalarAsync())!, "an acknowledged item must have no further escalation scheduled");
    }

    [Fact]
    public async Task Retrying_a_command_with_its_idempotency_key_replays_the_first_response_and_a_different_body_is_409()
    {
        var (consul, _, field) = await SetUpAsync();
        var key = Guid.NewGuid().ToString();
        var agency = new { id = field.Id("kg-extra"), name = "Extra NGO", kind = "Ngo", country = "KG", timeZone = "Asia/Bishkek" };

        var first = (await field.Admin.PostAsync("/api/agencies", agency, key)).Expect(HttpStatusCode.Created);
        var retry = (await field.Admin.PostAsync("/api/agencies", agency, key)).Expect(HttpStatusCode.Created);
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal(first.Location, retry.Location);
        (await field.Admin.PostAsync("/api/agencies", agency with { name = "Other" }, key)).ExpectProblem(HttpStatusCode.Conflict);

        var caseId = (await consul.PostAsync("/api/cases", Field.Flag("Travel Person", "M", 1980, "KG", "TR", field.Region("Chui"), ["Shelter"], urgency: "Routine")))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        var travel = new { flightNumber = "KC 912", departureAirport = "IST", arrivalAirport = "FRU", scheduledArrival = DateTimeOffset.UtcNow.AddDays(2), escort = "none", travelDocument = "passport" };
        var travelKey = Guid.NewGuid().ToString();
        var booked = (await consul.PostAsync($"/api/cases/{caseId}/travel", travel, travelKey)).Expect(HttpStatusCode.OK);
        var again = (await consul.PostAsync($"/api/cases/{caseId}/travel", travel, travelKey)).Expect(HttpStatusCode.OK);
        Assert.Equal(booked.Body, again.Body);

        await using var connection = new NpgsqlConnection(_system.ConnectionString);
        await connection.OpenAsync();
        await using var pickups = new NpgsqlCommand("SELECT count(*) FROM feed_items WHERE case_id = @case AND type = 'PickupRequested'", connection);
        pickups.Parameters.AddWithValue("case", caseId);
        Assert.Equal(1L, (long)(await pickups.ExecuteScalarAsync())!);
    }

    private async Task<(ApiClient Consul, ApiClient Worker, Field Field)> SetUpAsync()
    {
        var field = await Field.CreateAsync(_system);
        var post = await field.AgencyAsync("kg-ist", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("kg-chui", Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", [field.Region("Chui")], ["FRU"], ["Shelter"]));
        return (await field.UserAsync("consul", post, "ConsularOfficer"), await field.UserAsync("worker", ngo, "NgoCaseworker"), field);
    }
}
