using System.Globalization;
using System.Net;
using Coordination.Tests.Infrastructure;
using Npgsql;

namespace Coordination.Benchmarks;

/// <summary>A consular post abroad and the officer who flags its citizens.</summary>
public sealed record Post(string AgencyId, string Country, ApiClient Consul);

/// <summary>A receiving NGO at home: the only one serving its district, so a flag from that district is referred to it.</summary>
public sealed record Receiver(int Index, string AgencyId, string Country, string District, string Token);

/// <summary>A case the system committed (201) and the agency it was referred to.</summary>
public sealed record Flagged(string CaseId, Receiver To);

/// <summary>
/// The system under test — one silo and one web host as real processes from src/ (the test
/// harness), on a fresh database — with a realistic country set-up built through the public API:
/// one consular post per country of citizenship, and many receiving NGOs per country, each serving
/// its own district. An agency's feed append locks its feed head until commit (gapless seq), so
/// spreading referrals over many agencies is what a real deployment sees.
/// </summary>
public sealed class BenchSystem : IAsyncDisposable
{
    private static readonly Dictionary<string, (string Host, string City, string Zone, string HomeZone)> Geography = new()
    {
        ["KG"] = ("TR", "Istanbul", "Europe/Istanbul", "Asia/Bishkek"),
        ["KZ"] = ("RU", "Moscow", "Europe/Moscow", "Asia/Almaty"),
        ["TJ"] = ("RU", "Moscow", "Europe/Moscow", "Asia/Dushanbe"),
        ["TM"] = ("TR", "Istanbul", "Europe/Istanbul", "Asia/Ashgabat"),
        ["UZ"] = ("AE", "Dubai", "Asia/Dubai", "Asia/Tashkent"),
    };

    private readonly Dictionary<string, Post> _posts;
    private long _flagCounter;

    private BenchSystem(BenchSettings settings, CoordinationProcesses processes, Field field, IReadOnlyList<Post> posts,
        IReadOnlyList<Receiver> receivers, NpgsqlDataSource systemDb, RawPostgres raw, EchoServer echo, SmtpInbox inbox)
    {
        Inbox = inbox;
        Settings = settings;
        Processes = processes;
        Field = field;
        Posts = posts;
        Receivers = receivers;
        SystemDb = systemDb;
        Raw = raw;
        Echo = echo;
        _posts = posts.ToDictionary(p => p.Country);
    }

    public BenchSettings Settings { get; }
    public CoordinationProcesses Processes { get; }
    public Field Field { get; }
    public IReadOnlyList<Post> Posts { get; }
    public IReadOnlyList<Receiver> Receivers { get; }

    /// <summary>The system's own database, read only to verify that nothing was lost.</summary>
    public NpgsqlDataSource SystemDb { get; }

    /// <summary>Baseline: plain committed INSERTs on the same PostgreSQL server.</summary>
    public RawPostgres Raw { get; }

    /// <summary>Baseline: a bare SignalR hub in this process on loopback.</summary>
    public EchoServer Echo { get; }

    /// <summary>The real SMTP server (smtp4dev) the silo sends e-mail to, and whose inbox scenario 7 reads.</summary>
    public SmtpInbox Inbox { get; }

    public Uri HubUrl => new(Processes.WebUrl, "/hubs/dashboard");

    public static async Task<BenchSystem> StartAsync(BenchSettings settings, Action<string> log, CancellationToken cancellationToken = default)
    {
        var environment = new Dictionary<string, string>
        {
            ["Coordination__Ack__Critical"] = settings.CriticalAckDeadline.ToString("c", CultureInfo.InvariantCulture),
            // One escalation per item during a run: repeats would only add noise to scenario 6.
            ["Coordination__Ack__RepeatEvery"] = "01:00:00",
        };
        log("starting smtp4dev, the SMTP server the silo e-mails through");
        var inbox = await SmtpInbox.StartAsync();
        foreach (var (key, value) in inbox.SiloSettings.Concat(settings.SystemEnvironment))
        {
            environment[key] = value;
        }

        log("starting silo and web host (Release build of src/) on a fresh database");
        CoordinationProcesses processes;
        try
        {
            processes = await CoordinationProcesses.StartAsync("bench", environment);
        }
        catch
        {
            await inbox.DisposeAsync();
            throw;
        }

        try
        {
            var field = await Field.CreateAsync(processes);
            log($"building the field: {settings.Countries.Count} consular posts, {settings.ReceivingAgencies} receiving NGOs");
            var posts = new List<Post>();
            foreach (var country in settings.Countries)
            {
                var (host, city, zone, _) = Geography[country];
                var id = await field.AgencyAsync($"{country.ToLowerInvariant()}-post", Field.ConsularPost(country, host, city, zone));
                posts.Add(new Post(id, country, await field.UserAsync($"{country.ToLowerInvariant()}-consul", id, "ConsularOfficer")));
            }

            var slots = settings.Countries
                .SelectMany(country => Enumerable.Range(1, settings.AgenciesPerCountry).Select(n => (country, n)))
                .Select((slot, index) => (slot.country, slot.n, index))
                .ToList();
            var receivers = new Receiver[slots.Count];
            // Password hashing makes user creation slow; two at a time per core is plenty.
            await Parallel.ForEachAsync(slots, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (slot, _) =>
            {
                var district = $"District {slot.n:D2}";
                var name = $"{slot.country.ToLowerInvariant()}-ngo-{slot.n:D2}";
                var id = await field.AgencyAsync(name, Field.Receiving("Ngo", slot.country, district, Geography[slot.country].HomeZone,
                    [district], [], ["Shelter", "Legal", "Medical", "Psychological"]));
                using var worker = await field.UserAsync($"{name}-worker", id, "NgoCaseworker");
                receivers[slot.index] = new Receiver(slot.index, id, slot.country, district, worker.Token!);
            });

            var systemDb = NpgsqlDataSource.Create(processes.ConnectionString);
            var raw = await RawPostgres.CreateAsync();
            var echo = await EchoServer.StartAsync(CoordinationProcesses.FreePort());
            return new BenchSystem(settings, processes, field, posts, receivers, systemDb, raw, echo, inbox);
        }
        catch
        {
            await processes.DisposeAsync();
            await inbox.DisposeAsync();
            throw;
        }
    }

    /// <summary>Flags a case whose routing refers it to <paramref name="to"/>; fails unless the system answers 201.</summary>
    public async Task<Flagged> FlagAsync(Receiver to, string urgency = "Routine")
    {
        var n = Interlocked.Increment(ref _flagCounter);
        var post = _posts[to.Country];
        var body = Field.Flag($"Bench Person {n}", n % 2 == 0 ? "F" : "M", 1990, to.Country, "TR", to.District, ["Shelter", "Legal"], urgency);
        var key = Settings.SendIdempotencyKeys ? Guid.NewGuid().ToString("N") : null;
        var response = await post.Consul.PostAsync("/api/cases", body, key);
        if (response.Status != HttpStatusCode.Created)
        {
            throw new BenchmarkFailure($"flag to {to.AgencyId} answered {(int)response.Status}: {response.Body}");
        }

        return new Flagged(response.Json!["id"]!.GetValue<string>(), to);
    }

    public Receiver RandomReceiver() => Receivers[Random.Shared.Next(Receivers.Count)];

    /// <summary>Per agency: number of feed items and their highest seq. Equal means the feed is gapless (seq is its primary key with the agency).</summary>
    public async Task<IReadOnlyList<(string AgencyId, long Count, long MaxSeq, long MinSeq)>> FeedShapeAsync()
    {
        await using var command = SystemDb.CreateCommand(
            "SELECT agency_id, count(*), max(seq), min(seq) FROM feed_items GROUP BY agency_id");
        var rows = new List<(string, long, long, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return rows;
    }

    /// <summary>Fails when any agency's feed has a hole: every feed must run 1..n.</summary>
    public async Task<int> AssertFeedsContiguousAsync()
    {
        var shapes = await FeedShapeAsync();
        var broken = shapes.Where(s => s.MinSeq != 1 || s.MaxSeq != s.Count).ToList();
        if (broken.Count > 0)
        {
            throw new BenchmarkFailure($"feeds with gaps: {string.Join(", ", broken.Select(b => $"{b.AgencyId} has {b.Count} items, seq {b.MinSeq}..{b.MaxSeq}"))}");
        }

        return shapes.Count;
    }

    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = SystemDb.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await Echo.DisposeAsync();
        await Raw.DisposeAsync();
        await SystemDb.DisposeAsync();
        foreach (var post in Posts)
        {
            post.Consul.Dispose();
        }

        Field.Admin.Dispose();
        await Processes.DisposeAsync();
        await Inbox.DisposeAsync();
    }
}
