using System.Globalization;

namespace Coordination.Benchmarks;

/// <summary>
/// 1. Durable throughput: consular officers flag cases over HTTP back to back at each concurrency
/// for a fixed time; a 201 means committed to PostgreSQL. Baselines, at the same concurrency on the
/// same server, run just before each level: committed single-row INSERTs of a case-shaped row, and
/// the floor of a flag, exactly its rows in one pipelined transaction (<see cref="RawPostgres.FlagRowsAsync"/>).
/// </summary>
public static class DurableThroughput
{
    public const string Id = "1";

    public static async Task<(ScenarioResult Result, double SaturationPerSecond)> RunAsync(BenchSystem system, Action<string> log)
    {
        var s = system.Settings;
        var measurements = new List<Measurement>();
        var notes = new List<string>();
        var casesBefore = await system.CountAsync("SELECT count(*) FROM cases");
        var cpu = await CpuMeter.CreateAsync(system);
        double saturation = 0;
        long flagged = 0;
        foreach (var clients in s.Concurrency)
        {
            var before = cpu.Take();
            var (baseline, inserts) = await Load.ClosedLoopAsync(clients, s.ThroughputWarmup, s.ThroughputDuration, () => system.Raw.InsertAsync());
            var afterInserts = cpu.Take();
            var (floor, _) = await Load.ClosedLoopAsync(clients, s.ThroughputWarmup, s.ThroughputDuration,
                () => system.Raw.FlagRowsAsync(system.RandomReceiver().AgencyId));
            var between = cpu.Take();
            var (rate, flags) = await Load.ClosedLoopAsync(clients, s.ThroughputWarmup, s.ThroughputDuration, async () =>
            {
                await system.FlagAsync(system.RandomReceiver());
                Interlocked.Increment(ref flagged);
            });
            var after = cpu.Take();
            saturation = Math.Max(saturation, rate);
            var goal = clients == 16 ? "≥ 50% of baseline" : null;
            measurements.Add(new Measurement($"committed flags/s, {clients} clients", rate, baseline, "/s", goal,
                clients == 16 ? rate >= 0.5 * baseline : null));
            measurements.Add(new Measurement($"flags/s against the flag floor (its rows in one transaction), {clients} clients", rate, floor, "/s",
                clients == 16 ? "≥ 100% of the floor" : null, clients == 16 ? rate >= floor : null));
            var perFlag = (after - between).PerOperation(flags);
            var perInsert = (afterInserts - before).PerOperation(inserts);
            log(string.Create(CultureInfo.InvariantCulture,
                $"  {clients,2} clients: {rate,8:F0} flags/s   baseline {baseline,8:F0} inserts/s   ({rate / baseline:P0})   floor {floor,8:F0} flags/s ({rate / floor:P0}); CPU ms per flag: web {perFlag.Web:F2}, silo {perFlag.Silo:F2}, PostgreSQL {perFlag.Postgres:F2}, load generator {perFlag.Benchmark:F2}; per insert: PostgreSQL {perInsert.Postgres:F2}, load generator {perInsert.Benchmark:F2}"));
            if (clients == 16 || s.Concurrency.Count == 1)
            {
                measurements.Add(new Measurement($"CPU per flag, {clients} clients: web host", perFlag.Web, null, "ms"));
                measurements.Add(new Measurement($"CPU per flag, {clients} clients: silo", perFlag.Silo, null, "ms"));
                measurements.Add(new Measurement($"CPU per flag, {clients} clients: PostgreSQL", perFlag.Postgres, perInsert.Postgres, "ms"));
                measurements.Add(new Measurement($"CPU per flag, {clients} clients: load generator", perFlag.Benchmark, perInsert.Benchmark, "ms"));
                measurements.Add(new Measurement($"CPU per flag, {clients} clients: all processes", perFlag.Total, perInsert.Total, "ms"));
            }
        }

        var committed = await system.CountAsync("SELECT count(*) FROM cases") - casesBefore;
        if (committed != flagged)
        {
            throw new BenchmarkFailure($"{flagged} flags answered 201 but {committed} cases are in the database");
        }

        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"{flagged} flags answered 201 and {committed} cases are committed; flags spread over {system.Receivers.Count} receiving agencies"));
        return (new ScenarioResult(Id, "Durable throughput (POST /api/cases)", measurements, notes), saturation);
    }
}
