using System.Globalization;
using System.Net;
using Coordination.Tests.Infrastructure;

namespace Coordination.Chaos;

/// <summary>One user of an agency, with a client on each web host (the load alternates hosts on retries).</summary>
public sealed record Member(string AgencyId, string Country, string Token, IReadOnlyList<ApiClient> Clients)
{
    public ApiClient Via(int host) => Clients[host % Clients.Count];
}

/// <summary>A task of the committee's action plan and the receiving agency that owns it.</summary>
public sealed record PlanTask(string TaskId, Member Owner);

/// <summary>
/// The system under chaos: two silos and two web hosts as real processes (the test harness's
/// <see cref="CoordinationProcesses"/>), and a field built through the public API — per country a
/// consular post abroad and two receiving NGOs at home (one meets arrivals at the airport), and a
/// national committee whose action plan the Kyrgyz NGOs own tasks of.
/// </summary>
public sealed class ChaosSystem : IAsyncDisposable
{
    public static readonly IReadOnlyList<(string Country, string Host, string City, string Zone, string HomeZone, string Airport)> Countries =
    [
        ("KG", "TR", "Istanbul", "Europe/Istanbul", "Asia/Bishkek", "FRU"),
        ("UZ", "AE", "Dubai", "Asia/Dubai", "Asia/Tashkent", "TAS"),
    ];

    private ChaosSystem(CoordinationProcesses processes, string region, IReadOnlyList<Member> posts, IReadOnlyList<Member> receivers,
        Member secretary, string committeeId, IReadOnlyList<PlanTask> tasks, Member coordinator)
    {
        Coordinator = coordinator;
        Processes = processes;
        Region = region;
        Posts = posts;
        Receivers = receivers;
        Secretary = secretary;
        CommitteeId = committeeId;
        Tasks = tasks;
    }

    public CoordinationProcesses Processes { get; }
    public string Region { get; }
    public IReadOnlyList<Member> Posts { get; }
    public IReadOnlyList<Member> Receivers { get; }
    public Member Secretary { get; }
    public string CommitteeId { get; }
    public IReadOnlyList<PlanTask> Tasks { get; }

    /// <summary>The coordinator of the first receiving NGO, whose rota, policy and webhook the notifications run on.</summary>
    public Member Coordinator { get; }

    /// <summary>The agencies that get a dashboard, each with the user whose token it connects with.</summary>
    public IEnumerable<Member> Agencies => [.. Posts, .. Receivers, Secretary];

    public static async Task<ChaosSystem> StartAsync(IReadOnlyDictionary<string, string> environment, Action<string> log)
    {
        log("starting 2 silos and 2 web hosts (Release build of src/) on a fresh database");
        var processes = await CoordinationProcesses.CreateAsync("chaos", environment);
        try
        {
            await processes.StartSiloAsync();
            await processes.StartSiloAsync();
            await processes.StartWebAsync();
            await processes.StartWebAsync();
            var webs = processes.Webs.Select(w => w.BaseAddress).ToList();
            var field = await Field.CreateAsync(processes);
            var region = field.Region("Chui");

            async Task<Member> UserAsync(string name, string agencyId, string country, string role)
            {
                using var signedIn = await field.UserAsync(name, agencyId, role);
                return new Member(agencyId, country, signedIn.Token!, webs.Select(w => new ApiClient(w, signedIn.Token)).ToList());
            }

            log("building the field: 2 consular posts, 4 receiving NGOs, a committee of the 2 Kyrgyz ones with 6 tasks");
            var posts = new List<Member>();
            var receivers = new List<Member>();
            foreach (var (country, host, city, zone, homeZone, airport) in Countries)
            {
                var code = country.ToLowerInvariant();
                var post = await field.AgencyAsync($"{code}-post", Field.ConsularPost(country, host, city, zone));
                posts.Add(await UserAsync($"{code}-consul", post, country, "ConsularOfficer"));
                for (var n = 1; n <= 2; n++)
                {
                    var ngo = await field.AgencyAsync($"{code}-ngo-{n}", Field.Receiving("Ngo", country, $"{city} home {n}", homeZone,
                        [region], n == 1 ? [airport] : [], ["Shelter", "Legal", "Medical", "Psychological"]));
                    receivers.Add(await UserAsync($"{code}-ngo-{n}-worker", ngo, country, "NgoCaseworker"));
                }
            }

            var committeeId = await field.AgencyAsync("kg-committee",
                new { name = "National committee", kind = "Committee", country = "KG", timeZone = "Asia/Bishkek" });
            var secretary = await UserAsync("kg-secretary", committeeId, "KG", "CommitteeSecretary");
            var tasks = new List<PlanTask>();
            // A committee lists the agencies of its own country only.
            foreach (var owner in receivers.Where(r => r.Country == "KG"))
            {
                (await secretary.Via(0).PostAsync($"/api/committees/{committeeId}/members", new { agencyId = owner.AgencyId }))
                    .Expect(HttpStatusCode.Created);
                for (var n = 1; n <= 3; n++)
                {
                    var task = new { title = $"Train staff {n}", area = "Protection", ownerAgencyId = owner.AgencyId, dueDate = "2099-12-31" };
                    var created = (await secretary.Via(0).PostAsync($"/api/committees/{committeeId}/tasks", task, Guid.NewGuid().ToString("N")))
                        .Expect(HttpStatusCode.Created);
                    tasks.Add(new PlanTask(created.Json!["id"]!.GetValue<string>(), owner));
                }
            }

            var coordinator = await UserAsync("kg-ngo-1-coordinator", receivers[0].AgencyId, "KG", "AgencyCoordinator");
            field.Admin.Dispose();
            return new ChaosSystem(processes, region, posts, receivers, secretary, committeeId, tasks, coordinator);
        }
        catch
        {
            await processes.DisposeAsync();
            throw;
        }
    }

    public Member PostOf(string country) => Posts.Single(p => p.Country == country);

    /// <summary>The environment of both hosts: short acknowledgement deadlines, so escalations happen during the run.</summary>
    public static Dictionary<string, string> Environment(ChaosSettings settings) => new()
    {
        ["Coordination__Ack__Critical"] = settings.CriticalAck.ToString("c", CultureInfo.InvariantCulture),
        ["Coordination__Ack__Urgent"] = settings.UrgentAck.ToString("c", CultureInfo.InvariantCulture),
        ["Coordination__Ack__RepeatEvery"] = settings.RepeatEvery.ToString("c", CultureInfo.InvariantCulture),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var member in Agencies.Append(Coordinator))
        {
            foreach (var client in member.Clients)
            {
                client.Dispose();
            }
        }

        await Processes.DisposeAsync();
    }
}
