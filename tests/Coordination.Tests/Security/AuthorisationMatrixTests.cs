using System.Net;
using System.Text.RegularExpressions;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Cases;
using Coordination.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Coordination.Tests.Security;

/// <summary>
/// Runs every cell of the authorisation matrix of docs/security.md against the real processes:
/// the table in the document is the test's table, so the two cannot disagree.
/// </summary>
[Collection("security")]
public sealed partial class AuthorisationMatrixTests(SecurityFixture fixture)
{
    /// <summary>The tables of docs/security.md this test runs: the case matrix, the committee matrix and the rota matrix (with the escalation policy's rows).</summary>
    private static readonly string[] Markers = ["<!-- authorisation-matrix -->", "<!-- committee-matrix -->", "<!-- rota-matrix -->"];

    /// <summary>The table of docs/security.md that <see cref="CaseAccess.RenderTable"/> draws.</summary>
    private const string RuleMarker = "<!-- case-relations -->";

    /// <summary>Columns whose agency is involved in the case (and so lists it).</summary>
    private static readonly HashSet<string> Involved = ["post: ConsularOfficer", "referred: NgoCaseworker", "pickup: NgoCaseworker"];

    /// <summary>Columns whose agency has feed items about the case.</summary>
    private static readonly HashSet<string> AlertedAboutCase = [.. Involved, "post: Analyst", "declined: NgoCaseworker"];

    private SecurityWorld World => fixture.World;

    public static TheoryData<string, string, string> Cells()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (endpoint, column, expected) in ReadMatrix())
        {
            data.Add(endpoint, column, expected);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Each_cell_of_the_matrix_holds(string endpoint, string caller, string expected)
    {
        if (endpoint.StartsWith("hub ", StringComparison.Ordinal))
        {
            await HubCellAsync(endpoint, caller, expected);
            return;
        }

        using var anonymous = new ApiClient(fixture.System.WebUrl);
        var client = World.Callers[caller] ?? anonymous;
        var status = (HttpStatusCode)int.Parse(expected, System.Globalization.CultureInfo.InvariantCulture);
        var before = await fixture.SnapshotAsync();
        var response = await Probes[endpoint](this, client);
        var after = await fixture.SnapshotAsync();

        if ((int)status >= 400)
        {
            response.ExpectProblem(status);
            Assert.Equal(before, after);
            return;
        }

        response.Expect(status);
        // Allowed probes are reads or repeats: nothing but the audit of a read may change.
        Assert.Equal(before.Where(t => t.Key != "audit_log"), after.Where(t => t.Key != "audit_log"));
        AssertContent(endpoint, caller, response);
    }

    [Fact]
    public void Every_row_of_the_matrix_has_a_probe_and_every_probe_a_row()
    {
        var rows = ReadMatrix().Select(c => c.Endpoint).Where(e => !e.StartsWith("hub ", StringComparison.Ordinal)).ToHashSet();
        Assert.Equal(rows.Order(), Probes.Keys.Order());
        var columns = ReadMatrix().Select(c => c.Column).ToHashSet();
        Assert.Equal(columns.Order(), World.Callers.Keys.Order());
        Assert.True(ReadMatrix().Count > 300, "the matrix lost its rows");
    }

    /// <summary>The rule of <see cref="CaseAccess"/> as docs/security.md shows it: rendered from the code, so the two cannot disagree.</summary>
    [Fact]
    public void The_action_by_relation_table_of_the_document_is_the_rule_in_code()
    {
        var lines = File.ReadAllLines(Path.Combine(CoordinationProcesses.RepositoryRoot, "docs", "security.md"));
        var start = Array.IndexOf(lines, RuleMarker);
        Assert.True(start >= 0, $"docs/security.md has no {RuleMarker}");
        var documented = string.Concat(lines.Skip(start + 1).TakeWhile(l => l.StartsWith('|')).Select(l => l + "\n"));
        Assert.Equal(CaseAccess.RenderTable(), documented);

        // An agency that holds the person has accepted the referral first: it may do all an accepted receiver may.
        Assert.All(CaseAccess.Rules, r => Assert.True(r.ByRelation[(int)CaseRelation.HoldingReceiver] >= r.ByRelation[(int)CaseRelation.AcceptedReceiver], r.Action.Name));
    }

    public static TheoryData<string, string> RuleCells()
    {
        var data = new TheoryData<string, string>();
        // Answering goes by the referral (only the agency it is made to finds it): the endpoint matrix probes it.
        foreach (var (action, _) in CaseAccess.Rules.Where(r => r.Action != CaseAction.AnswerReferral))
        {
            foreach (var relation in CaseAccess.Relations.Select(r => r.ToString()).Append(SecurityWorld.NotInvolved))
            {
                data.Add(action.Name, relation);
            }
        }

        return data;
    }

    /// <summary>
    /// Every cell of the rule, against the real processes: an allowed action gets as far as the case's
    /// state (409 for a stale version or a finished step, 400 for an unknown agency), a refused one 403,
    /// and an agency not involved 404 — and neither changes anything. The callers are NGO caseworkers
    /// (receivers) and consular officers (posts), so a post-only action is also refused by role.
    /// </summary>
    [Theory]
    [MemberData(nameof(RuleCells))]
    public async Task Each_relation_does_to_a_case_exactly_what_the_rule_allows(string action, string relation)
    {
        var (caller, caseId) = World.ByRelation[relation];
        var permission = relation == SecurityWorld.NotInvolved
            ? (CasePermission?)null
            : CaseAccess.Rules.Single(r => r.Action.Name == action).ByRelation[(int)Enum.Parse<CaseRelation>(relation)];

        if (action == CaseAction.Read.Name || action == CaseAction.ReadPerson.Name)
        {
            var read = await caller.GetAsync(action == CaseAction.Read.Name ? $"/api/cases/{caseId}/timeline" : $"/api/cases/{caseId}");
            if (permission is null)
            {
                read.ExpectProblem(HttpStatusCode.NotFound);
                return;
            }

            read.Expect(HttpStatusCode.OK);
            if (action == CaseAction.ReadPerson.Name)
            {
                var consent = read.Json!["consent"]!["dataSharing"]!.GetValue<bool>();
                var sees = permission == CasePermission.Yes || (permission == CasePermission.WithConsent && consent);
                Assert.Equal(sees, read.Json!["person"] is not null);
            }

            return;
        }

        var (probe, allowed) = action switch
        {
            _ when action == CaseAction.Refer.Name => (
                (Func<Task<ApiResponse>>)(() => caller.PostAsync($"/api/cases/{caseId}/referrals", new { toAgencyId = "no-such-agency", services = new[] { "Shelter" } })),
                HttpStatusCode.BadRequest),
            _ when action == CaseAction.BookTravel.Name => (() => caller.PostAsync($"/api/cases/{caseId}/travel", World.Travel), HttpStatusCode.Conflict),
            _ when action == CaseAction.Correct.Name => (() => caller.PostAsync($"/api/cases/{caseId}/corrections", StaleCorrection), HttpStatusCode.Conflict),
            _ when action == CaseAction.RecordFollowUp.Name => (() => caller.PostAsync($"/api/cases/{caseId}/followups/1", FollowUp), HttpStatusCode.Conflict),
            _ when action == CaseAction.GiveConsent.Name => (() => caller.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/consent", WiderConsent), HttpStatusCode.Conflict),
            _ when action == CaseAction.NarrowConsent.Name => (() => caller.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/consent", NarrowerConsent), HttpStatusCode.Conflict),
            _ => (() => caller.PostAsync($"/api/cases/{caseId}/events", new { type = EventOf(action), expectedVersion = 999_999, reason = ReasonOf(EventOf(action)) }),
                HttpStatusCode.Conflict),
        };
        var expected = permission switch
        {
            null => HttpStatusCode.NotFound,
            CasePermission.No => HttpStatusCode.Forbidden,
            _ => allowed,
        };
        await fixture.RefusedWithoutChangeAsync(probe, expected);
    }

    /// <summary>A valid correction of a version the case is not at: refused with 409 by whoever may correct, so it changes nothing.</summary>
    private static readonly object StaleCorrection = new { homeRegion = "Talas", reason = "probe", expectedVersion = 999_999 };

    /// <summary>A valid edit of an agency, sent to an id no agency has: 404 for the administrator, so it changes nothing.</summary>
    private static readonly object ValidAgencyEdit = new { name = "Probe", timeZone = "Asia/Bishkek" };

    /// <summary>Consent wider than any case's (an override no case has), for a version the case is not at: 409 for whoever may give it.</summary>
    private static readonly object WiderConsent = new { consent = new { given = true, @override = "LifeThreatening" }, expectedVersion = 999_999 };

    /// <summary>Consent withdrawn in every use, for a version the case is not at: 409 for whoever may narrow it.</summary>
    private static readonly object NarrowerConsent = new { consent = new { given = false }, expectedVersion = 999_999 };

    /// <summary>A valid follow-up outcome for a case whose reintegration has not started: refused with 409 by whoever may record it.</summary>
    private static readonly object FollowUp = new { outcome = "Stable" };

    /// <summary>A closure needs a reason, or it is refused as invalid before anyone's permission is asked.</summary>
    private static string? ReasonOf(string type) => type == "Closed" ? "Reintegrated" : null;

    private static string EventOf(string action) =>
        Enum.GetNames<Coordination.Contracts.Cases.CaseEventType>().Single(t => CaseAction.Record(Enum.Parse<Coordination.Contracts.Cases.CaseEventType>(t)).Name == action);

    [Fact]
    public async Task Flag_by_a_consular_officer_of_an_agency_that_is_not_a_consular_post_is_403()
    {
        using var misplaced = await World.Field.UserAsync("misplaced-consul", World.UnrelatedNgo, "ConsularOfficer");
        await fixture.RefusedWithoutChangeAsync(
            () => misplaced.PostAsync("/api/cases", Field.Flag("Misplaced Flag", "F", 1990, "KG", "TR", World.Region, ["Shelter"])),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_dashboard_receives_pushes_of_its_own_agency_only_whatever_it_sends()
    {
        // Routing sends new cases of the region to the agency that covers most needs: the one that declined before.
        await using var own = await DashboardClient.ConnectAsync(fixture.System.WebUrl, World.Caller("declined: NgoCaseworker").Token!);
        await using var stranger = await DashboardClient.ConnectAsync(fixture.System.WebUrl, World.Caller("unrelated: NgoCaseworker").Token!);
        await using var committee = await DashboardClient.ConnectAsync(fixture.System.WebUrl, World.Caller("committee: CommitteeSecretary").Token!);

        // Hostile calls: another agency's values go nowhere, methods that do not exist do not exist.
        await Assert.ThrowsAsync<HubException>(() => stranger.Connection.InvokeAsync<IReadOnlyList<FeedItem>>("Since", 0L, World.ReferredNgo));
        await Assert.ThrowsAsync<HubException>(() => stranger.Connection.InvokeAsync("JoinGroup", $"agency:{World.ReferredNgo}"));
        await Assert.ThrowsAsync<HubException>(() => stranger.Connection.InvokeAsync("AddToGroupAsync", $"agency:{World.ReferredNgo}"));
        await Assert.ThrowsAsync<HubException>(() => stranger.Connection.InvokeAsync("Since", World.ReferredNgo));
        Assert.Equal(HubConnectionState.Connected, stranger.Connection.State);

        // A new case referred to that agency: its dashboard gets the alert...
        var flagged = (await World.Consul.PostAsync("/api/cases", Field.Flag("Push Person", "M", 1988, "KG", "TR", World.Region, ["Shelter"])))
            .Expect(HttpStatusCode.Created).Json!;
        var caseId = flagged["id"]!.GetValue<string>();
        await own.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived);

        // ...then something only the stranger hears of: had the stranger or the committee joined
        // that agency's audience, the referral would have reached them before this.
        var strangersAlert = await AlertOnlyTheStrangerAsync();
        await stranger.WaitForAsync(i => i.Id == strangersAlert);
        Assert.DoesNotContain(stranger.Received, i => i.CaseId == caseId);
        Assert.DoesNotContain(committee.Received, i => i.CaseId == caseId);
        Assert.Equal(
            (await World.Caller("unrelated: NgoCaseworker").GetAsync("/api/feed?limit=1000")).As<List<FeedItem>>().Select(i => i.Id),
            (await stranger.SinceAsync(0)).Select(i => i.Id));
    }

    /// <summary>A referral made by hand to the unrelated agency of a case of its own; returns the alert's id.</summary>
    private async Task<Guid> AlertOnlyTheStrangerAsync()
    {
        var flagged = (await World.Consul.PostAsync("/api/cases", Field.Flag("Stranger Person", "F", 1991, "KG", "TR", World.Field.Region("Nowhere"), ["Shelter"])))
            .Expect(HttpStatusCode.Created).Json!;
        var caseId = flagged["id"]!.GetValue<string>();
        (await World.Consul.PostAsync($"/api/cases/{caseId}/referrals", new { toAgencyId = World.UnrelatedNgo, services = new[] { "Shelter" } }))
            .Expect(HttpStatusCode.Created);
        var feed = (await World.Caller("unrelated: NgoCaseworker").GetAsync("/api/feed?limit=1000")).As<List<FeedItem>>();
        return feed.Single(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived).Id;
    }

    private async Task HubCellAsync(string endpoint, string caller, string expected)
    {
        var token = World.Callers[caller]?.Token;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.System.WebUrl, "/hubs/dashboard"), o => o.AccessTokenProvider = () => Task.FromResult(token))
            .AddJsonProtocol(o => CoordinationJson.Configure(o.PayloadSerializerOptions))
            .Build();
        await using var _ = connection;
        switch (expected)
        {
            case "401":
                var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                break;
            case "403":
                var forbidden = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
                Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
                break;
            case "own":
                await connection.StartAsync();
                var http = (await World.Callers[caller]!.GetAsync("/api/feed?limit=1000")).Expect(HttpStatusCode.OK).As<List<FeedItem>>();
                var since = await connection.InvokeAsync<IReadOnlyList<FeedItem>>("Since", 0L);
                Assert.Equal(http.Select(i => i.Id), since.Select(i => i.Id));
                if (endpoint.Contains("Since(", StringComparison.Ordinal))
                {
                    await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<IReadOnlyList<FeedItem>>("Since", 0L, World.ReferredNgo));
                    await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<IReadOnlyList<FeedItem>>("Since", -1L));
                    Assert.Equal(since.Select(i => i.Id), (await connection.InvokeAsync<IReadOnlyList<FeedItem>>("Since", 0L)).Select(i => i.Id));
                }

                Assert.Equal(AlertedAboutCase.Contains(caller), since.Any(i => i.CaseId == World.CaseId));
                break;
            default:
                throw new InvalidOperationException($"Unknown hub expectation '{expected}' for {endpoint} / {caller}.");
        }
    }

    private void AssertContent(string endpoint, string caller, ApiResponse response)
    {
        switch (endpoint)
        {
            case "GET /api/cases":
                Assert.Equal(Involved.Contains(caller), response.Json!.AsArray().Any(c => c!["id"]!.GetValue<string>() == World.CaseId));
                break;
            case "GET /api/cases/{id}":
                // The post met the person and the accepted agency has her data-sharing consent; the pickup agency works pseudonymously.
                Assert.Equal(caller == "pickup: NgoCaseworker" ? null : "Matrix Person", response.Json!["person"]?["fullName"]?.GetValue<string>());
                break;
            case "GET /api/feed":
                Assert.Equal(AlertedAboutCase.Contains(caller), response.As<List<FeedItem>>().Any(i => i.CaseId == World.CaseId));
                break;
        }
    }

    /// <summary>One harmless request per row: allowed callers get a read, a repeat, or a 400/404/409 that changes nothing.</summary>
    private static readonly Dictionary<string, Func<AuthorisationMatrixTests, ApiClient, Task<ApiResponse>>> Probes = new(StringComparer.Ordinal)
    {
        ["POST /api/auth/refresh"] = (_, c) => c.PostAsync("/api/auth/refresh", null),
        ["GET /api/me"] = (_, c) => c.GetAsync("/api/me"),
        ["GET /api/me/channels"] = (_, c) => c.GetAsync("/api/me/channels"),
        ["PUT /api/me/channels"] = (_, c) => c.SendAsync(HttpMethod.Put, "/api/me/channels", new { email = "not an address" }),
        ["GET /api/me/mfa"] = (_, c) => c.GetAsync("/api/me/mfa"),
        // Beginning an enrolment only draws a pending secret: sign-in is unchanged until a code confirms it.
        ["POST /api/me/mfa/totp"] = (_, c) => c.PostAsync("/api/me/mfa/totp", null),
        ["POST /api/me/mfa/totp/verify"] = (_, c) => c.PostAsync("/api/me/mfa/totp/verify", new { code = "" }),
        ["DELETE /api/users/{username}/mfa"] = (_, c) => c.SendAsync(HttpMethod.Delete, "/api/users/nobody-at-all/mfa", null),
        ["POST /api/me/channels/email/verify"] = (_, c) => c.PostAsync("/api/me/channels/email/verify", new { code = "12" }),
        ["PUT /api/me/channels/push"] = (_, c) => c.SendAsync(HttpMethod.Put, "/api/me/channels/push", new { endpoint = "not an address" }),
        // Removing a subscription the caller does not have: idempotent, nothing changes.
        ["DELETE /api/me/channels/push"] = (_, c) => c.SendAsync(HttpMethod.Delete, "/api/me/channels/push?endpoint=https%3A%2F%2Fpush.example.org%2Fnone", null),
        ["GET /api/agencies"] = (_, c) => c.GetAsync("/api/agencies"),
        ["POST /api/agencies"] = (_, c) => c.PostRawAsync("/api/agencies", "{}"),
        ["PUT /api/agencies/{id}"] = (_, c) => c.SendAsync(HttpMethod.Put, "/api/agencies/no-such-agency", ValidAgencyEdit),
        ["POST /api/agencies/{id}/deactivate"] = (_, c) => c.PostAsync("/api/agencies/no-such-agency/deactivate", null),
        ["POST /api/agencies/{id}/activate"] = (_, c) => c.PostAsync("/api/agencies/no-such-agency/activate", null),
        ["GET /api/places"] = (_, c) => c.GetAsync("/api/places"),
        ["POST /api/places"] = (_, c) => c.PostRawAsync("/api/places", "{}"),
        ["POST /api/users"] = (_, c) => c.PostRawAsync("/api/users", "{}"),
        ["POST /api/users/{username}/disable"] = (_, c) => c.PostAsync("/api/users/nobody-at-all/disable", null),
        ["POST /api/users/{username}/enable"] = (_, c) => c.PostAsync("/api/users/nobody-at-all/enable", null),
        ["GET /api/users"] = (_, c) => c.GetAsync("/api/users"),
        ["PUT /api/users/{username}"] = (_, c) => c.SendAsync(HttpMethod.Put, "/api/users/nobody-at-all", new { displayName = "Nobody", roles = new[] { "Admin" } }),
        ["POST /api/users/{username}/password-reset"] = (_, c) => c.PostAsync("/api/users/nobody-at-all/password-reset", null),
        ["GET /api/audit"] = (t, c) => c.GetAsync($"/api/audit?caseId={t.World.CaseId}&limit=5"),
        ["POST /api/cases"] = (_, c) => c.PostRawAsync("/api/cases", "{}"),
        ["GET /api/cases"] = (_, c) => c.GetAsync("/api/cases?limit=500"),
        ["GET /api/cases/counts"] = (_, c) => c.GetAsync("/api/cases/counts"),
        ["GET /api/cases/{id}"] = (t, c) => c.GetAsync($"/api/cases/{t.World.CaseId}"),
        ["GET /api/cases/{id}/timeline"] = (t, c) => c.GetAsync($"/api/cases/{t.World.CaseId}/timeline"),
        ["POST /api/cases/{id}/referrals"] = (t, c) =>
            c.PostAsync($"/api/cases/{t.World.CaseId}/referrals", new { toAgencyId = "no-such-agency", services = new[] { "Shelter" } }),
        ["POST /api/cases/{id}/referrals/{referralId}/accept"] = (t, c) =>
            c.PostAsync($"/api/cases/{t.World.CaseId}/referrals/{t.World.AcceptedReferral}/accept", null),
        ["POST /api/cases/{id}/referrals/{referralId}/decline"] = (t, c) =>
            c.PostAsync($"/api/cases/{t.World.CaseId}/referrals/{t.World.DeclinedReferral}/decline", new { reason = "no capacity" }),
        ["POST /api/cases/{id}/travel"] = (t, c) => c.PostAsync($"/api/cases/{t.World.CaseId}/travel", t.World.Travel),
        // The arrival the journey has already: the post may, and it changes nothing.
        ["POST /api/cases/{id}/travel/delay"] = (t, c) => c.PostAsync($"/api/cases/{t.World.CaseId}/travel/delay", new { scheduledArrival = t.World.ScheduledArrival }),
        ["POST /api/cases/{id}/corrections"] = (t, c) => c.PostAsync($"/api/cases/{t.World.CaseId}/corrections", StaleCorrection),
        ["POST /api/cases/{id}/events"] = (t, c) => c.PostAsync($"/api/cases/{t.World.CaseId}/events", new { type = "Verified", expectedVersion = 999_999 }),
        ["PUT /api/cases/{id}/consent"] = (t, c) => c.SendAsync(HttpMethod.Put, $"/api/cases/{t.World.CaseId}/consent", NarrowerConsent),
        ["POST /api/cases/{id}/followups/{n}"] = (t, c) => c.PostAsync($"/api/cases/{t.World.CaseId}/followups/1", FollowUp),
        ["POST /api/cases/{id}/erasure"] = (t, c) => c.PostAsync($"/api/cases/{t.World.CaseId}/erasure", new { reason = "lawful request" }),
        ["GET /api/feed"] = (_, c) => c.GetAsync("/api/feed?limit=1000"),
        ["POST /api/alerts/{id}/ack"] = (t, c) => c.PostAsync($"/api/alerts/{t.World.ReferredAgencyItem}/ack", null),
        ["GET /api/alerts/{id}/notifications"] = (t, c) => c.GetAsync($"/api/alerts/{t.World.ReferredAgencyItem}/notifications"),
        // A token of the right form that is no link.
        ["POST /api/ack-links/{token}"] = (_, c) => c.PostAsync($"/api/ack-links/{new string('A', 43)}", null),
        ["GET /api/statistics/export.csv"] = (_, c) => c.GetAsync("/api/statistics/export.csv?country=KG&from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z"),

        ["POST /api/committees/{id}/members"] = (t, c) => c.PostAsync($"/api/committees/{t.World.Committee}/members", new { agencyId = "no-such-agency" }),
        ["POST /api/committees/{id}/tasks"] = (t, c) => c.PostAsync($"/api/committees/{t.World.Committee}/tasks", t.World.TaskRequest.Body, t.World.TaskRequest.Key),
        ["GET /api/committees/{id}/tasks/{taskId}"] = (t, c) => c.GetAsync($"/api/committees/{t.World.Committee}/tasks/{t.World.CommitteeTask}"),
        ["PATCH /api/committees/{id}/tasks/{taskId}"] = (t, c) =>
            c.SendAsync(HttpMethod.Patch, $"/api/committees/{t.World.Committee}/tasks/{t.World.CommitteeTask}", new { status = "NotStarted" }),
        ["GET /api/committees/{id}/plan"] = (t, c) => c.GetAsync($"/api/committees/{t.World.Committee}/plan"),
        ["GET /api/committees/{id}/plan.csv"] = (t, c) => c.GetAsync($"/api/committees/{t.World.Committee}/plan.csv"),
        ["POST /api/committees/{id}/plan/import"] = (t, c) =>
            c.PostRawAsync($"/api/committees/{t.World.Committee}/plan/import", t.World.ImportRequest.Csv, "text/csv", t.World.ImportRequest.Key),
        ["POST /api/committees/{id}/meetings"] = (t, c) => c.PostAsync($"/api/committees/{t.World.Committee}/meetings", t.World.MeetingRequest.Body, t.World.MeetingRequest.Key),
        ["GET /api/committees/{id}/meetings"] = (t, c) => c.GetAsync($"/api/committees/{t.World.Committee}/meetings"),
        ["GET /api/committees/{id}/report"] = (t, c) => c.GetAsync($"/api/committees/{t.World.Committee}/report?from=2026-01-01&to=2027-01-01"),
        ["GET /api/committees/{id}/report.html"] = (t, c) => c.GetAsync($"/api/committees/{t.World.Committee}/report.html?from=2026-01-01&to=2027-01-01"),
        ["GET /api/statistics"] = (_, c) => c.GetAsync("/api/statistics?country=KG&from=2026-01-01&to=2027-01-01"),

        ["PUT /api/agencies/{id}/rota"] = (t, c) => c.SendAsync(HttpMethod.Put, $"/api/agencies/{t.World.ReferredNgo}/rota", new
        {
            shifts = new[] { new { days = new[] { "Someday" }, from = "09:00", to = "18:00", username = t.World.Username("referred: NgoCaseworker") } },
        }),
        ["GET /api/agencies/{id}/rota"] = (t, c) => c.GetAsync($"/api/agencies/{t.World.ReferredNgo}/rota"),
        ["GET /api/agencies/{id}/oncall"] = (t, c) => c.GetAsync($"/api/agencies/{t.World.ReferredNgo}/oncall"),
        ["PUT /api/agencies/{id}/escalation"] = (t, c) => c.SendAsync(HttpMethod.Put, $"/api/agencies/{t.World.ReferredNgo}/escalation", new
        {
            levels = new[] { new { after = "soon", notify = "OnDuty" } },
        }),
        ["GET /api/agencies/{id}/escalation"] = (t, c) => c.GetAsync($"/api/agencies/{t.World.ReferredNgo}/escalation"),
        ["PUT /api/agencies/{id}/capacity"] = (t, c) => c.SendAsync(HttpMethod.Put, $"/api/agencies/{t.World.ReferredNgo}/capacity", new { adults = -1, minors = 0 }),
        ["GET /api/agencies/{id}/capacity"] = (t, c) => c.GetAsync($"/api/agencies/{t.World.ReferredNgo}/capacity"),
        ["PUT /api/agencies/{id}/webhook"] = (t, c) => c.SendAsync(HttpMethod.Put, $"/api/agencies/{t.World.ReferredNgo}/webhook", new
        {
            url = "not an address", secret = "a-long-enough-shared-secret",
        }),
        ["GET /api/agencies/{id}/webhook"] = (t, c) => c.GetAsync($"/api/agencies/{t.World.ReferredNgo}/webhook"),
    };

    /// <summary>The matrices of docs/security.md: (endpoint, column, expected) for every cell.</summary>
    private static IReadOnlyList<(string Endpoint, string Column, string Expected)> ReadMatrix()
    {
        var lines = File.ReadAllLines(Path.Combine(CoordinationProcesses.RepositoryRoot, "docs", "security.md"));
        var cells = new List<(string, string, string)>();
        foreach (var marker in Markers)
        {
            var start = Array.IndexOf(lines, marker);
            Assert.True(start >= 0, $"docs/security.md has no {marker}");
            var table = lines.Skip(start + 1).TakeWhile(l => l.StartsWith('|')).Select(Cells).ToList();
            var columns = table[0].Skip(1).ToList();
            foreach (var row in table.Skip(2))
            {
                Assert.Equal(columns.Count + 1, row.Count);
                var endpoint = EndpointName().Match(row[0]).Groups[1].Value;
                cells.AddRange(columns.Select((column, i) => (endpoint, column, row[i + 1])));
            }
        }

        return cells;

        static List<string> Cells(string line) => line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToList();
    }

    [GeneratedRegex("^`(.+)`$")]
    private static partial Regex EndpointName();
}
