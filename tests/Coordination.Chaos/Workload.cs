using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Coordination.Chaos.Checking;
using Coordination.Tests.Infrastructure;

namespace Coordination.Chaos;

/// <summary>
/// Steady, bounded load through both web hosts: a few workers, one request at a time each, that
/// flag cases, answer referrals, book travel, acknowledge alerts and update plan tasks. Every
/// command that may be retried carries an Idempotency-Key; on a network error, a timeout, a 5xx or
/// "still being processed" it is retried with the same key and body through the other host, as a
/// client behind a load balancer would.
/// </summary>
public sealed class Workload(ChaosSystem system, Recorder recorder, IReadOnlyDictionary<string, ChaosDashboard> dashboards, ChaosSettings settings)
{
    public static readonly string[] Hosts = ["web1", "web2"];
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);
    private static readonly string[] TaskStatuses = ["NotStarted", "InProgress", "Done", "Blocked"];
    private readonly ConcurrentDictionary<string, CaseTrack> _cases = new();
    private readonly ConcurrentDictionary<string, byte> _busyTasks = new();
    private long _flags;

    /// <summary>What the load knows of a case from its answers, to choose legal next steps.</summary>
    private sealed class CaseTrack(string caseId, Member post)
    {
        private int _busy;
        public string CaseId { get; } = caseId;
        public Member Post { get; } = post;
        public (string Id, string AgencyId)? Pending { get; set; }
        public bool Accepted { get; set; }
        public bool Travel { get; set; }
        public bool TryTake() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;
        public void Release() => Volatile.Write(ref _busy, 0);
    }

    public async Task RunAsync(CancellationToken stop)
    {
        var workers = Enumerable.Range(0, settings.Workers)
            .Select(i => Task.Run(() => WorkAsync(new Random(HashCode.Combine(settings.Seed, i)), stop)));
        await Task.WhenAll(workers);
    }

    private async Task WorkAsync(Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var roll = random.Next(100);
            var done = roll switch
            {
                < 25 => await AnswerReferralAsync(random),
                < 35 => await BookTravelAsync(random),
                < 60 => await AcknowledgeAsync(random),
                < 70 => await UpdateTaskAsync(random),
                _ => false,
            };
            if (!done)
            {
                await FlagAsync(random);
            }

            try
            {
                await Task.Delay(settings.Pause, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task FlagAsync(Random random)
    {
        var n = Interlocked.Increment(ref _flags);
        var (country, hostCountry, _, _, _, _) = ChaosSystem.Countries[random.Next(ChaosSystem.Countries.Count)];
        var post = system.PostOf(country);
        var urgency = random.Next(10) switch { < 5 => "Critical", < 8 => "Urgent", _ => "Routine" };
        var body = Field.Flag($"Chaos Person {n}", n % 2 == 0 ? "F" : "M", 1990, country, hostCountry, system.Region, ["Shelter", "Legal"], urgency);
        var key = Guid.NewGuid().ToString("N");
        var answer = await SendAsync(Operation.Flag, post, HttpMethod.Post, "/api/cases", body, key, key, random, r => r.Json!["id"]!.GetValue<string>());
        if (answer?.Json is { } view && Succeeded(answer))
        {
            var track = new CaseTrack(view["id"]!.GetValue<string>(), post);
            Follow(track, view);
            _cases[track.CaseId] = track;
        }
    }

    private async Task<bool> AnswerReferralAsync(Random random)
    {
        if (Take(random, c => c.Pending is not null) is not { } track)
        {
            return false;
        }

        try
        {
            var (referralId, agencyId) = track.Pending!.Value;
            var receiver = system.Receivers.Single(r => r.AgencyId == agencyId);
            var accept = random.Next(10) < 7;
            var path = $"/api/cases/{track.CaseId}/referrals/{referralId}/{(accept ? "accept" : "decline")}";
            object body = accept ? new { } : new { reason = "No capacity this week" };
            var answer = await SendAsync(accept ? Operation.Accept : Operation.Decline, receiver, HttpMethod.Post, path, body,
                $"{track.CaseId}/{referralId}", Guid.NewGuid().ToString("N"), random, _ => null);
            await FollowAsync(track, answer, receiver);
        }
        finally
        {
            track.Release();
        }

        return true;
    }

    private async Task<bool> BookTravelAsync(Random random)
    {
        if (Take(random, c => c.Accepted && !c.Travel) is not { } track)
        {
            return false;
        }

        try
        {
            var (_, _, _, _, _, airport) = ChaosSystem.Countries.Single(c => c.Country == track.Post.Country);
            var body = new
            {
                flightNumber = "TK 350",
                departureAirport = "IST",
                arrivalAirport = airport,
                scheduledArrival = recorder.Now.AddDays(3),
                escort = "IOM escort",
                travelDocument = "Certificate of return",
            };
            var answer = await SendAsync(Operation.BookTravel, track.Post, HttpMethod.Post, $"/api/cases/{track.CaseId}/travel", body,
                track.CaseId, Guid.NewGuid().ToString("N"), random, _ => null);
            await FollowAsync(track, answer, track.Post);
        }
        finally
        {
            track.Release();
        }

        return true;
    }

    /// <summary>
    /// Acknowledges an open item a receiving agency's dashboard shows. A third of the items (by
    /// id) are never acknowledged by the load, so that they escalate round after round.
    /// </summary>
    private async Task<bool> AcknowledgeAsync(Random random)
    {
        var receiver = system.Receivers[random.Next(system.Receivers.Count)];
        var open = dashboards[receiver.AgencyId].Items
            .Where(i => i.RequiresAck && i.AcknowledgedAt is null && i.Id.GetHashCode() % 3 != 0).ToList();
        if (open.Count == 0)
        {
            return false;
        }

        var item = open[random.Next(open.Count)];
        await SendAsync(Operation.Acknowledge, receiver, HttpMethod.Post, $"/api/alerts/{item.Id}/ack", null, item.Id.ToString(), null, random, _ => null);
        return true;
    }

    private async Task<bool> UpdateTaskAsync(Random random)
    {
        var task = system.Tasks[random.Next(system.Tasks.Count)];
        if (!_busyTasks.TryAdd(task.TaskId, 0))
        {
            return false;
        }

        try
        {
            var status = TaskStatuses[random.Next(TaskStatuses.Length)];
            await SendAsync(Operation.UpdateTask, task.Owner, HttpMethod.Patch, $"/api/committees/{system.CommitteeId}/tasks/{task.TaskId}",
                new { status, note = "chaos" }, task.TaskId, null, random, _ => status, status);
        }
        finally
        {
            _busyTasks.TryRemove(task.TaskId, out _);
        }

        return true;
    }

    private CaseTrack? Take(Random random, Func<CaseTrack, bool> eligible)
    {
        var candidates = _cases.Values.Where(eligible).ToList();
        for (var tries = 0; tries < 3 && candidates.Count > 0; tries++)
        {
            var track = candidates[random.Next(candidates.Count)];
            if (track.TryTake())
            {
                if (eligible(track))
                {
                    return track;
                }

                track.Release();
            }
        }

        return null;
    }

    /// <summary>Learns the case's next legal steps from a 2xx, or by reading the case when the outcome is unknown.</summary>
    private async Task FollowAsync(CaseTrack track, ApiResponse? answer, Member reader)
    {
        if (answer is not null && Succeeded(answer))
        {
            Follow(track, answer.Json!);
            return;
        }

        try
        {
            var read = await reader.Via(0).GetAsync($"/api/cases/{track.CaseId}");
            if (Succeeded(read))
            {
                Follow(track, read.Json!);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // Still unknown: the case is looked at again when it is next chosen.
        }
    }

    private static void Follow(CaseTrack track, JsonNode view)
    {
        var referrals = view["referrals"]?.AsArray().Select(r => r!).ToList() ?? [];
        var pending = referrals.LastOrDefault(r => r["status"]!.GetValue<string>() == "Pending");
        track.Pending = pending is null ? null : (pending["id"]!.GetValue<string>(), pending["toAgencyId"]!.GetValue<string>());
        track.Accepted = referrals.Any(r => r["status"]!.GetValue<string>() == "Accepted");
        track.Travel = view["travel"] is JsonObject;
    }

    private static bool Succeeded(ApiResponse response) => (int)response.Status is >= 200 and < 300;

    /// <summary>Sends a request and retries it (same key, same body, the other host) until it is answered for good or a minute has passed.</summary>
    private async Task<ApiResponse?> SendAsync(Operation operation, Member member, HttpMethod method, string path, object? body,
        string target, string? key, Random random, Func<ApiResponse, string?> result, string? intended = null)
    {
        var id = recorder.NextRequestId();
        var host = random.Next(Hosts.Length);
        var started = recorder.Now;
        for (var attempt = 1; ; attempt++)
        {
            var sent = recorder.Now;
            ApiResponse? response = null;
            string? error = null;
            try
            {
                response = await member.Via(host).SendAsync(method, path, body, key);
            }
            catch (HttpRequestException ex)
            {
                error = ex.HttpRequestError.ToString();
            }
            catch (TaskCanceledException)
            {
                error = "timeout";
            }

            var status = response is null ? (int?)null : (int)response.Status;
            var established = response is not null && Succeeded(response) ? result(response) : intended;
            recorder.Add(new Attempt(id, operation, Hosts[host % Hosts.Length], key, target, sent, recorder.Now, status, error, established));
            if (!Retryable(response) || recorder.Now - started > GiveUpAfter)
            {
                return response;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(4000, 250 * Math.Pow(2, attempt - 1))));
            host++;
        }
    }

    private static bool Retryable(ApiResponse? response) =>
        response is null
        || (int)response.Status >= 500
        || ((int)response.Status == 409 && response.Body.Contains("still being processed", StringComparison.Ordinal));

    public int Cases => _cases.Count;
}
