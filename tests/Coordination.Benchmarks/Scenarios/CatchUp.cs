using System.Diagnostics;
using System.Globalization;
using Coordination.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace Coordination.Benchmarks;

/// <summary>
/// 4. Catch-up: an NGO's dashboard is offline while its feed receives N referrals; it reconnects
/// and pages with <c>Since(lastSeq)</c> (1000 per page, the hub's page size) until it holds them
/// all. Timed from starting the connection to holding every item, checked to be exactly seq 1..N
/// in order. Baseline, measured the same way: opening a bare SignalR connection, reading the same
/// rows straight from PostgreSQL with the same keyset pages, and fetching as many feed-item-sized
/// messages from the echo hub, a page per invocation.
/// </summary>
public static class CatchUp
{
    public const string Id = "4";
    private const int Page = 1000;

    public static async Task<ScenarioResult> RunAsync(BenchSystem system, Action<string> log)
    {
        var s = system.Settings;
        var name = $"kg-catchup-{Guid.NewGuid():N}"[..18];
        const string district = "Catch-up district";
        var agencyId = await system.Field.AgencyAsync(name, Field.Receiving("Ngo", "KG", "Karakol", "Asia/Bishkek", [district], [], ["Shelter", "Legal"]));
        using var worker = await system.Field.UserAsync($"{name}-worker", agencyId, "NgoCaseworker");
        var receiver = new Receiver(-1, agencyId, "KG", district, worker.Token!);

        var filling = Stopwatch.GetTimestamp();
        await Load.CountAsync(s.CatchUpItems, 16, _ => system.FlagAsync(receiver));
        log(string.Create(CultureInfo.InvariantCulture,
            $"  {s.CatchUpItems} referrals arrived for the offline dashboard in {Stopwatch.GetElapsedTime(filling).TotalSeconds:F1} s (16 officers, one agency)"));

        var start = Stopwatch.GetTimestamp();
        await using var dashboard = await DashboardClient.ConnectAsync(system.Processes.WebUrl, worker.Token!);
        var items = new List<long>();
        long after = 0;
        while (true)
        {
            var page = await dashboard.SinceAsync(after);
            items.AddRange(page.Select(i => i.Seq));
            if (page.Count < Page)
            {
                break;
            }

            after = page[^1].Seq;
        }

        var caughtUp = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (!items.SequenceEqual(Enumerable.Range(1, s.CatchUpItems).Select(i => (long)i)))
        {
            throw new BenchmarkFailure($"catch-up returned {items.Count} items, not exactly seq 1..{s.CatchUpItems} in order");
        }

        var board = new ReceiptBoard();
        await using (var warm = await system.Echo.ConnectAsync(board))
        {
            // The system's Since path was exercised by the warm-up; give the baseline's path the same.
            await warm.InvokeAsync<List<EchoItem>>("Page", 1);
            await ReadRawAsync(system.SystemDb, agencyId, rows => Task.FromResult(rows));
        }

        start = Stopwatch.GetTimestamp();
        await using (var echo = await system.Echo.ConnectAsync(board))
        {
            var rows = await ReadRawAsync(system.SystemDb, agencyId, async count => (await echo.InvokeAsync<List<EchoItem>>("Page", count)).Count);
            if (rows != s.CatchUpItems)
            {
                throw new BenchmarkFailure($"the raw read found {rows} rows, not {s.CatchUpItems}");
            }
        }

        var baseline = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        log(string.Create(CultureInfo.InvariantCulture, $"  caught up in {caughtUp:F0} ms; baseline {baseline:F0} ms"));
        return new ScenarioResult(Id, "Catch-up after reconnect (Since pages of 1000)",
            [new Measurement(string.Create(CultureInfo.InvariantCulture, $"time to hold all {s.CatchUpItems} items"), caughtUp, baseline, "ms")],
            [string.Create(CultureInfo.InvariantCulture, $"{items.Count} items received, exactly seq 1..{s.CatchUpItems} in order, in {(s.CatchUpItems / Page) + 1} calls")]);
    }

    /// <summary>Reads the agency's rows page by page; after each page, <paramref name="transfer"/> moves as many items over SignalR.</summary>
    private static async Task<int> ReadRawAsync(NpgsqlDataSource db, string agencyId, Func<int, Task<int>> transfer)
    {
        var count = 0;
        long after = 0;
        while (true)
        {
            await using var command = db.CreateCommand(
                "SELECT seq, id, type, kind, case_id, committee_id, task_id, summary, urgency, occurred_at, requires_ack, " +
                "ack_deadline, acknowledged_at, acknowledged_by, data FROM feed_items WHERE agency_id = @agency AND seq > @after ORDER BY seq LIMIT @limit");
            command.Parameters.AddWithValue("agency", agencyId);
            command.Parameters.AddWithValue("after", after);
            command.Parameters.AddWithValue("limit", Page);
            var rows = 0;
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    var values = new object[reader.FieldCount];
                    reader.GetValues(values);
                    after = reader.GetInt64(0);
                    rows++;
                }
            }

            if (await transfer(rows) != rows)
            {
                throw new BenchmarkFailure("the echo hub returned a short page");
            }

            count += rows;
            if (rows < Page)
            {
                return count;
            }
        }
    }
}
