using System.Net;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Cases;
using Coordination.Grains.Hosting;
using Coordination.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace Coordination.Tests.Security;

/// <summary>
/// One silo and two web hosts on a fresh database, and a world of agencies around one case, built
/// once for the security tests. The second web host is configured strictly (a low sign-in rate
/// limit, one allowed CORS origin) and is the "other host" when an account is disabled on the first.
/// </summary>
public sealed class SecurityFixture : IAsyncLifetime
{
    public const string AllowedOrigin = "https://dashboard.example.org";
    public const int StrictSignInLimit = 4;

    /// <summary>How often hosts re-read accounts: short here, so revocation on another host is seen quickly.</summary>
    public static readonly TimeSpan AccessCheckInterval = TimeSpan.FromSeconds(1);

    public CoordinationProcesses System { get; private set; } = null!;
    public HostProcess StrictWeb { get; private set; } = null!;
    public SecurityWorld World { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        System = await CoordinationProcesses.StartAsync("security", new Dictionary<string, string>
        {
            ["Coordination__Auth__AccessCheckInterval"] = AccessCheckInterval.ToString(),
        });
        StrictWeb = await System.StartWebAsync(new Dictionary<string, string>
        {
            ["Coordination__Auth__SignInPermitLimit"] = StrictSignInLimit.ToString(),
            // Long enough that the window never resets during a test.
            ["Coordination__Auth__SignInWindow"] = "00:30:00",
            ["Coordination__Web__Security__AllowedOrigins__0"] = AllowedOrigin,
        });
        World = await SecurityWorld.CreateAsync(System);
    }

    public async Task DisposeAsync() => await System.DisposeAsync();

    /// <summary>
    /// A fingerprint of every table a request could write: equal before and after means the request
    /// changed nothing at all (not only no new rows).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> SnapshotAsync()
    {
        string[] tables =
        [
            "agencies", "users", "cases", "case_events", "feed_items", "feed_heads", "feed_outbox", "idempotent_requests", "audit_log",
            "orleansstorage", // committees' action plans
            "duty_rotas", "user_channels", "escalation_policies", "notifications", "notification_log", "ack_links", "agency_webhooks", "places",
            "notification_groups", "notification_group_items", "push_subscriptions",
            // Not user_second_factors: the matrix's probe of beginning an enrolment draws a pending secret, which changes no sign-in.
        ];
        var snapshot = new Dictionary<string, string>();
        await using var connection = new NpgsqlConnection(System.ConnectionString);
        await connection.OpenAsync();
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand(
                $"SELECT count(*)::text || ':' || md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {table} t", connection);
            snapshot[table] = (string)(await command.ExecuteScalarAsync())!;
        }

        return snapshot;
    }

    /// <summary>Runs a request that must be refused and proves it changed nothing.</summary>
    public async Task<ApiResponse> RefusedWithoutChangeAsync(Func<Task<ApiResponse>> request, HttpStatusCode expected)
    {
        var before = await SnapshotAsync();
        var response = await request();
        response.ExpectProblem(expected);
        Assert.Equal(before, await SnapshotAsync());
        return response;
    }

    /// <summary>Reads the silos' key ring, as an operator restoring a backup would, to decrypt what they stored.</summary>
    public IDataProtector PersonalDataProtector() =>
        DataProtectionProvider.Create(new DirectoryInfo(System.KeyDirectory), b => b.SetApplicationName(CoordinationGrainsExtensions.ApplicationName))
            .CreateProtector(CaseStateCodec.Purpose);

    /// <summary>The tables of the database with a row whose text contains <paramref name="secret"/>.</summary>
    public async Task<IReadOnlyList<string>> TablesContainingAsync(string secret)
    {
        await using var connection = new NpgsqlConnection(System.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var containing = new List<string>();
        foreach (var table in tables)
        {
            await using var search = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM \"{table}\" t WHERE strpos(lower(t::text), lower(@secret)) > 0)", connection);
            search.Parameters.AddWithValue("secret", secret);
            if ((bool)(await search.ExecuteScalarAsync())!)
            {
                containing.Add(table);
            }
        }

        return containing;
    }

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(System.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is DBNull or null ? default : (T)result;
    }
}

[CollectionDefinition("security")]
public sealed class SecurityCollection : ICollectionFixture<SecurityFixture>;

/// <summary>
/// The agencies around one Kyrgyz case, one per relation of docs/security.md, each with users in
/// the roles of the matrix. The case was flagged by the post, referred first to an NGO that
/// declined, then to one that accepted, and its flight home lands where a third NGO meets arrivals.
/// </summary>
public sealed class SecurityWorld
{
    public const string Anonymous = "anonymous";

    private readonly Dictionary<string, ApiClient?> _callers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _usernames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ApiClient Caller, string CaseId)> _byRelation = new(StringComparer.Ordinal);

    private SecurityWorld(Field field) => Field = field;

    public Field Field { get; }
    public string Region { get; private set; } = string.Empty;
    public string Post { get; private set; } = string.Empty;
    public string ReferredNgo { get; private set; } = string.Empty;
    public string DeclinedNgo { get; private set; } = string.Empty;
    public string PickupNgo { get; private set; } = string.Empty;
    public string UnrelatedNgo { get; private set; } = string.Empty;

    /// <summary>A receiving agency of another country (Uzbekistan): no Kyrgyz case's data may reach it.</summary>
    public string ForeignNgo { get; private set; } = string.Empty;
    public string CaseId { get; private set; } = string.Empty;

    /// <summary>The referral the declined agency declined, and the one the referred agency accepted.</summary>
    public string DeclinedReferral { get; private set; } = string.Empty;
    public string AcceptedReferral { get; private set; } = string.Empty;

    /// <summary>The referred agency's ReferralReceived item for the case.</summary>
    public Guid ReferredAgencyItem { get; private set; }

    public object Travel { get; private set; } = null!;

    /// <summary>When the case's journey home arrives, as booked.</summary>
    public DateTimeOffset ScheduledArrival { get; private set; }

    /// <summary>Where only the relations case's pickup agency meets arrivals.</summary>
    public const string RelationsAirport = "ZRL";

    /// <summary>The column of <see cref="ByRelation"/> for an agency in no relation to the case.</summary>
    public const string NotInvolved = "not involved";

    /// <summary>
    /// A case flagged without the person's consent and brought home: received by the agency that
    /// accepted its referral, referred by hand to another that has not answered, its flight met by
    /// a third. With the main case (whose referred agency has accepted but not yet received the
    /// person) it gives a caller in each relation of <see cref="CaseAccess"/>.
    /// </summary>
    public string RelationsCaseId { get; private set; } = string.Empty;

    /// <summary>For each relation of <see cref="CaseAccess"/> (by name) and <see cref="NotInvolved"/>: a caller in it, and the case.</summary>
    public IReadOnlyDictionary<string, (ApiClient Caller, string CaseId)> ByRelation => _byRelation;

    /// <summary>The Kyrgyz committee, a task of its plan, and the requests that built its plan, for idempotent replay.</summary>
    public string Committee { get; private set; } = string.Empty;
    public string CommitteeTask { get; private set; } = string.Empty;
    public (object Body, string Key) TaskRequest { get; private set; }
    public (string Csv, string Key) ImportRequest { get; private set; }
    public (object Body, string Key) MeetingRequest { get; private set; }

    /// <summary>Callers by the column names of the matrix; null for anonymous.</summary>
    public IReadOnlyDictionary<string, ApiClient?> Callers => _callers;

    public ApiClient Caller(string column) => _callers[column] ?? throw new InvalidOperationException($"{column} has no token.");

    public string Username(string column) => _usernames[column];

    public ApiClient Admin => Field.Admin;

    public ApiClient Consul => Caller("post: ConsularOfficer");

    public ApiClient ReferredWorker => Caller("referred: NgoCaseworker");

    public static async Task<SecurityWorld> CreateAsync(CoordinationProcesses system)
    {
        var world = new SecurityWorld(await Field.CreateAsync(system));
        await world.BuildAsync();
        return world;
    }

    private async Task BuildAsync()
    {
        var f = Field;
        Region = f.Region("Naryn");
        Post = await f.AgencyAsync("kg-post", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        // The declined agency covers more of the needs, so routing tries it first.
        DeclinedNgo = await f.AgencyAsync("kg-full", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [Region], [], ["Shelter", "Legal"]));
        ReferredNgo = await f.AgencyAsync("kg-shelter", Field.Receiving("Shelter", "KG", "Naryn", "Asia/Bishkek", [Region], [], ["Shelter"]));
        PickupNgo = await f.AgencyAsync("kg-osh", Field.Receiving("Ngo", "KG", "Osh", "Asia/Bishkek", [f.Region("Osh")], ["OSS"], ["Shelter"]));
        UnrelatedNgo = await f.AgencyAsync("kg-other", Field.Receiving("Ngo", "KG", "Talas", "Asia/Bishkek", [f.Region("Talas")], [], ["Shelter"]));
        var committee = await f.AgencyAsync("kg-committee", new { name = "Kyrgyz national working group", kind = "Committee", country = "KG", timeZone = "Asia/Bishkek" });
        var otherCommittee = await f.AgencyAsync("uz-committee", new { name = "Uzbek national commission", kind = "Committee", country = "UZ", timeZone = "Asia/Tashkent" });
        var otherPost = await f.AgencyAsync("uz-post", Field.ConsularPost("UZ", "RU", "Moscow", "Europe/Moscow"));
        ForeignNgo = await f.AgencyAsync("uz-ngo", Field.Receiving("Ngo", "UZ", "Tashkent", "Asia/Tashkent", [f.Region("Tashkent")], [], ["Shelter"]));
        var taskOwner = await f.AgencyAsync("kg-owner", new { name = "Ministry of Labour", kind = "Ministry", country = "KG", timeZone = "Asia/Bishkek" });
        Committee = committee;

        _callers[Anonymous] = null;
        _callers["Admin"] = f.Admin;
        _usernames["Admin"] = "admin";
        await UserAsync("post: ConsularOfficer", "consul", Post, "ConsularOfficer");
        await UserAsync("post: Analyst", "analyst", Post, "Analyst");
        await UserAsync("referred: NgoCaseworker", "referred", ReferredNgo, "NgoCaseworker");
        await UserAsync("referred: AgencyCoordinator", "coordinator", ReferredNgo, "AgencyCoordinator");
        await UserAsync("pickup: NgoCaseworker", "pickup", PickupNgo, "NgoCaseworker");
        await UserAsync("declined: NgoCaseworker", "declined", DeclinedNgo, "NgoCaseworker");
        await UserAsync("committee: CommitteeSecretary", "secretary", committee, "CommitteeSecretary");
        await UserAsync("committee: CommitteeMember", "member", committee, "CommitteeMember");
        await UserAsync("unrelated: NgoCaseworker", "stranger", UnrelatedNgo, "NgoCaseworker");
        await UserAsync("unrelated: AgencyCoordinator", "other-coordinator", UnrelatedNgo, "AgencyCoordinator");
        await UserAsync("unrelated post: ConsularOfficer", "other-consul", otherPost, "ConsularOfficer");
        var hotline = await f.AgencyAsync("kg-hotline", new { name = "Hotline 189", kind = "Hotline", country = "KG", city = "Bishkek", timeZone = "Asia/Bishkek" });
        await UserAsync("unrelated hotline: HotlineOperator", "hotline", hotline, "HotlineOperator");
        await UserAsync("task owner: NgoCaseworker", "owner", taskOwner, "NgoCaseworker");
        await UserAsync("other committee: CommitteeSecretary", "other-secretary", otherCommittee, "CommitteeSecretary");
        await BuildPlanAsync(taskOwner);

        var flagged = (await Consul.PostAsync("/api/cases", Field.Flag("Matrix Person", "F", 1995, "KG", "TR", Region, ["Shelter", "Legal"])))
            .Expect(HttpStatusCode.Created).Json!;
        CaseId = flagged["id"]!.GetValue<string>();
        DeclinedReferral = flagged["referrals"]![0]!["id"]!.GetValue<string>();
        Assert.Equal(DeclinedNgo, flagged["referrals"]![0]!["toAgencyId"]!.GetValue<string>());

        var declined = (await Caller("declined: NgoCaseworker").PostAsync($"/api/cases/{CaseId}/referrals/{DeclinedReferral}/decline", new { reason = "no capacity" }))
            .Expect(HttpStatusCode.OK).Json!;
        AcceptedReferral = declined["referrals"]![1]!["id"]!.GetValue<string>();
        Assert.Equal(ReferredNgo, declined["referrals"]![1]!["toAgencyId"]!.GetValue<string>());
        (await ReferredWorker.PostAsync($"/api/cases/{CaseId}/referrals/{AcceptedReferral}/accept", null)).Expect(HttpStatusCode.OK);
        ReferredAgencyItem = (await ReferredWorker.GetAsync("/api/feed")).Expect(HttpStatusCode.OK).As<List<FeedItem>>()
            .Single(i => i.CaseId == CaseId && i.Type == FeedItemType.ReferralReceived).Id;

        ScheduledArrival = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(20).AddHours(5), TimeSpan.Zero);
        Travel = new
        {
            flightNumber = "KC 117", departureAirport = "IST", arrivalAirport = "OSS",
            scheduledArrival = ScheduledArrival,
            escort = "IOM Istanbul", travelDocument = "Certificate of return",
        };
        var booked = (await Consul.PostAsync($"/api/cases/{CaseId}/travel", Travel)).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(PickupNgo, booked["travel"]!["pickupAgencyId"]!.GetValue<string>());
        await BuildRelationsAsync();
    }

    private async Task BuildRelationsAsync()
    {
        var f = Field;
        var region = f.Region("Relations");
        var holder = await f.AgencyAsync("kg-holder", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [region], [], ["Shelter"]));
        var pending = await f.AgencyAsync("kg-pending", Field.Receiving("Ngo", "KG", "Talas", "Asia/Bishkek", [f.Region("Pending")], [], ["Shelter"]));
        var meeter = await f.AgencyAsync("kg-meeter", Field.Receiving("Ngo", "KG", "Osh", "Asia/Bishkek", [f.Region("Meeter")], [RelationsAirport], ["Shelter"]));
        var holderWorker = await f.UserAsync("holder", holder, "NgoCaseworker");
        var pendingWorker = await f.UserAsync("pending", pending, "NgoCaseworker");
        var meeterWorker = await f.UserAsync("meeter", meeter, "NgoCaseworker");

        var flag = Field.Flag("Relations Person", "F", 1996, "KG", "TR", region, ["Shelter"]);
        // Referred, but the agencies that help may not know who the person is.
        flag["consent"] = new { referral = true, dataSharing = false, research = false };
        var flagged = (await Consul.PostAsync("/api/cases", flag)).Expect(HttpStatusCode.Created).Json!;
        var caseId = RelationsCaseId = flagged["id"]!.GetValue<string>();
        Assert.Equal(holder, flagged["referrals"]![0]!["toAgencyId"]!.GetValue<string>());
        (await holderWorker.PostAsync($"/api/cases/{caseId}/referrals/r1/accept", null)).Expect(HttpStatusCode.OK);
        (await Consul.PostAsync($"/api/cases/{caseId}/referrals", new { toAgencyId = pending, services = new[] { "Shelter" } })).Expect(HttpStatusCode.Created);
        foreach (var type in new[] { "Verified", "DocumentsIssued" })
        {
            (await Consul.PostAsync($"/api/cases/{caseId}/events", new { type })).Expect(HttpStatusCode.OK);
        }

        var booked = (await Consul.PostAsync($"/api/cases/{caseId}/travel", new
        {
            flightNumber = "KC 118", departureAirport = "IST", arrivalAirport = RelationsAirport,
            scheduledArrival = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(3), TimeSpan.Zero),
            escort = "IOM Istanbul", travelDocument = "Certificate of return",
        })).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(meeter, booked["travel"]!["pickupAgencyId"]!.GetValue<string>());
        (await Consul.PostAsync($"/api/cases/{caseId}/events", new { type = "Departed" })).Expect(HttpStatusCode.OK);
        foreach (var type in new[] { "Arrived", "ReceivedByAgency" })
        {
            (await meeterWorker.PostAsync($"/api/cases/{caseId}/events", new { type })).Expect(HttpStatusCode.OK);
        }

        _byRelation[nameof(CaseRelation.OpeningPost)] = (Consul, caseId);
        _byRelation[nameof(CaseRelation.HoldingReceiver)] = (holderWorker, caseId);
        _byRelation[nameof(CaseRelation.AcceptedReceiver)] = (ReferredWorker, CaseId);
        _byRelation[nameof(CaseRelation.PendingReceiver)] = (pendingWorker, caseId);
        _byRelation[nameof(CaseRelation.PickupAgency)] = (meeterWorker, caseId);
        _byRelation[NotInvolved] = (Caller("unrelated post: ConsularOfficer"), caseId);

        // A hotline reports a return: the post of the person's state where they are (its own city, so
        // no other test's post in Istanbul) holds the case, and the hotline stays its reporter.
        var city = f.Region("Istanbul");
        var reportedPost = await f.AgencyAsync("kg-post-reported", Field.ConsularPost("KG", "TR", city, "Europe/Istanbul"));
        var reporterHotline = await f.AgencyAsync("kg-reporter", new { name = "Hotline 189 (reporting)", kind = "Hotline", country = "KG", city = "Bishkek", timeZone = "Asia/Bishkek" });
        var reporter = await f.UserAsync("reporter", reporterHotline, "HotlineOperator");
        var report = Field.Flag("Reported Person", "F", 1995, "KG", "TR", region, ["Shelter"]);
        report["currentRegion"] = city;
        var reported = (await reporter.PostAsync("/api/cases", report)).Expect(HttpStatusCode.Created).Json!;
        Assert.Equal(reportedPost, reported["flaggedByAgencyId"]!.GetValue<string>());
        _byRelation[nameof(CaseRelation.Reporter)] = (reporter, reported["id"]!.GetValue<string>());
    }

    private async Task BuildPlanAsync(string owner)
    {
        var secretary = Caller("committee: CommitteeSecretary");
        var due = DateTime.UtcNow.AddDays(90).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        TaskRequest = (new { title = "Train labour inspectors", area = "Prevention", ownerAgencyId = owner, dueDate = due }, $"task-{Guid.NewGuid():N}");
        CommitteeTask = (await secretary.PostAsync($"/api/committees/{Committee}/tasks", TaskRequest.Body, TaskRequest.Key))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        ImportRequest = (Committees.Plans.Csv(Committees.Plans.Row("Shelter standards", "Protection", owner, due)), $"import-{Guid.NewGuid():N}");
        (await secretary.PostRawAsync($"/api/committees/{Committee}/plan/import", ImportRequest.Csv, "text/csv", ImportRequest.Key)).Expect(HttpStatusCode.Created);
        MeetingRequest = (new { date = due, title = "Quarterly meeting", decisions = Array.Empty<object>() }, $"meeting-{Guid.NewGuid():N}");
        (await secretary.PostAsync($"/api/committees/{Committee}/meetings", MeetingRequest.Body, MeetingRequest.Key)).Expect(HttpStatusCode.Created);
    }

    private async Task UserAsync(string column, string name, string agencyId, string role)
    {
        _callers[column] = await Field.UserAsync(name, agencyId, role);
        _usernames[column] = Field.Id(name);
    }
}
