using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Coordination.Chaos.Checking;
using Coordination.Tests.Infrastructure;
using Npgsql;

namespace Coordination.Chaos;

/// <summary>
/// The standing fault-injection run. Normally started by <c>deploy/chaos.sh</c>, which starts a
/// throwaway PostgreSQL, sets COORDINATION_TEST_PG and names its cluster directory in
/// COORDINATION_CHAOS_PG_DIR (the injector stops and starts that cluster):
/// <code>
///   Coordination.Chaos [--minutes 20] [--seed 42] [--smoke] [--out .local/chaos/chaos-42.json]
/// </code>
/// <c>--smoke</c> is deploy/test.sh's short run: 90 seconds unless --minutes says otherwise, time bounds for a loaded machine.
/// Exit code 0: no violation; 1: violations (listed, and in the JSON); 2: the run itself failed.
/// </summary>
public static class ChaosProgram
{
    public const string PostgresDirectoryVariable = "COORDINATION_CHAOS_PG_DIR";

    public static async Task<int> Main(string[] args)
    {
        var smoke = args.Contains("--smoke");
        var minutes = double.Parse(Option(args, "--minutes") ?? (smoke ? "1.5" : "20"), CultureInfo.InvariantCulture);
        var seed = int.Parse(Option(args, "--seed") ?? Random.Shared.Next(1, 100_000).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var output = Option(args, "--out") ?? Path.Combine(CoordinationProcesses.RepositoryRoot, ".local", "chaos", $"chaos-{seed}.json");
        var postgres = Environment.GetEnvironmentVariable(PostgresDirectoryVariable)
            ?? throw new InvalidOperationException($"{PostgresDirectoryVariable} is not set; run bash deploy/chaos.sh.");
        var settings = ChaosSettings.For(TimeSpan.FromMinutes(minutes), seed, smoke);
        var command = $"bash deploy/chaos.sh --minutes {minutes.ToString(CultureInfo.InvariantCulture)} --seed {seed}{(smoke ? " --smoke" : string.Empty)}";
        ThreadPool.SetMinThreads(64, 64);

        var started = DateTime.UtcNow;
        void Log(string line) => Console.Error.WriteLine($"[chaos {DateTime.UtcNow - started:mm\\:ss}] {line}");
        Log($"seed {seed}: replay with `{command}`");
        try
        {
            var report = await RunAsync(settings, postgres, output, Log);
            Console.WriteLine();
            Console.WriteLine(Table(report, command, settings.Bounds));
            Console.WriteLine($"history and figures: {output}");
            return report.Passed ? 0 : 1;
        }
        catch (Exception ex)
        {
            Log($"the run failed before it could be checked (seed {seed}): {ex}");
            return 2;
        }
    }

    private static async Task<ChaosReport> RunAsync(ChaosSettings settings, string postgres, string output, Action<string> log)
    {
        var recorder = new Recorder(TimeProvider.System);
        await using var notifications = await ChaosNotifications.StartAsync();
        await using var system = await ChaosSystem.StartAsync(
            new Dictionary<string, string>(ChaosSystem.Environment(settings).Concat(notifications.Environment)), log);
        log($"host logs: {system.Processes.LogDirectory}");
        log("notifications: the first NGO's worker on duty with a verified address, two levels, a webhook");
        await notifications.ConfigureAsync(system);
        await using var db = NpgsqlDataSource.Create(system.Processes.ConnectionString);
        var webs = system.Processes.Webs.Select(w => w.BaseAddress).ToList();
        var dashboards = new List<ChaosDashboard>();
        try
        {
            foreach (var (member, i) in system.Agencies.Select((m, i) => (m, i)))
            {
                var host = i % webs.Count;
                dashboards.Add(await ChaosDashboard.ConnectAsync($"{member.AgencyId}@{Workload.Hosts[host]}", member, webs[host], recorder));
            }

            var start = recorder.Now;
            log($"load and faults for {settings.Duration.TotalMinutes:F1} min: {settings.Workers} workers, {dashboards.Count} dashboards");
            var workload = new Workload(system, recorder, dashboards.ToDictionary(d => d.Dashboard.AgencyId), settings);
            using var stop = new CancellationTokenSource(settings.Duration);
            var load = workload.RunAsync(stop.Token);
            await new FaultInjector(system, recorder, db, postgres, settings.Seed, log).RunAsync(start + settings.Duration, CancellationToken.None);
            await load;
            var loadEnd = recorder.Now;

            log($"load stopped ({workload.Cases} cases flagged); quiet for {settings.Quiet.TotalSeconds} s, then checking");
            await Task.Delay(settings.Quiet);
            var truth = await TruthReader.ReadAsync(db, system, recorder.Now);
            // Items committed just before the read are given the promised time to reach the dashboards.
            await Task.Delay(settings.Bounds.Convergence + TimeSpan.FromSeconds(2));
            foreach (var away in dashboards.Select(d => d.StillAway()).OfType<Disconnection>())
            {
                recorder.Add(away);
            }

            var history = recorder.Snapshot(settings.Seed.ToString(CultureInfo.InvariantCulture), start, loadEnd, dashboards.Select(d => d.Dashboard).ToList());
            var checkedReport = ChaosChecker.Check(history, truth, settings.Bounds);
            var (notified, notifyViolations) = NotificationChecker.Check(
                await notifications.ReadAsync(db, truth.ReadAt), settings.NotificationSlack, ChaosChecker.Unavailability(history, settings.Bounds));
            var report = checkedReport with { Violations = [.. checkedReport.Violations, .. notifyViolations], Notifications = notified };
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            await using var file = File.Create(output);
            await JsonSerializer.SerializeAsync(file, new { report.Seed, report.Passed, settings, report.Figures, report.Violations, history },
                new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter() } });
            return report;
        }
        finally
        {
            foreach (var dashboard in dashboards)
            {
                await dashboard.DisposeAsync();
            }
        }
    }

    /// <summary>The figures of docs/guarantees.md, and the violations (the first few of each kind).</summary>
    public static string Table(ChaosReport report, string command, CheckBounds bounds)
    {
        var f = report.Figures;
        string S(double seconds) => seconds.ToString("F1", CultureInfo.InvariantCulture) + " s";
        var rows = new (string Figure, string Value)[]
        {
            ("command", command),
            ("faults injected", string.Join(", ", f.Faults.Select(k => $"{k.Key} {k.Value}"))),
            ("requests / attempts", $"{f.Requests} / {f.Attempts}"),
            ("2xx requests", f.Succeeded.ToString(CultureInfo.InvariantCulture)),
            ("retries (same key)", f.Retries.ToString(CultureInfo.InvariantCulture)),
            ("requests never answered for good", f.Unresolved.ToString(CultureInfo.InvariantCulture)),
            ("answers 4xx / 500 / 503 (outside faults) / other 5xx", $"{f.Answers4xx} / {f.Answers500} / {f.Answers503} ({f.Answers503OutsideFaults}) / {f.OtherServerErrors}"),
            ("no answer (connection error, timeout)", f.NetworkErrors.ToString(CultureInfo.InvariantCulture)),
            ("duplicates: cases / referrals / feed items", $"{f.DuplicateCases} / {f.DuplicateReferrals} / {f.DuplicateFeedItems}"),
            ("lost 2xx", f.Lost.ToString(CultureInfo.InvariantCulture)),
            ("feed gaps", f.Gaps.ToString(CultureInfo.InvariantCulture)),
            ("feed items / deliveries to dashboards", $"{f.FeedItems} / {f.Deliveries}"),
            ("delivered live / by gap fill / by reconnect catch-up", $"{f.Live} / {f.GapFill} / {f.Reconnect}"),
            ("missed (of which: connected throughout)", $"{f.Missed} ({f.MissedWhileConnected})"),
            ($"to a connected dashboard: later than {S(bounds.Promptly.TotalSeconds)} / slowest", $"{f.SlowConnectedDeliveries} / {S(f.SlowestConnectedDeliverySeconds)}"),
            ("escalation rounds due / on time / late / missing / twice", $"{f.EscalationsDue} / {f.EscalationsOnTime} / {f.EscalationsLate} / {f.EscalationsMissing} / {f.EscalatedTwice}"),
            ("worst escalation lateness (beyond unavailability)", $"{S(f.WorstLatenessSeconds)} ({S(f.WorstLatenessBeyondUnavailabilitySeconds)})"),
            ("longest unanswered request", S(f.LongestUnansweredSeconds)),
            ("recovery after the database returned", S(f.RecoveryAfterDatabaseSeconds)),
            ("slowest declaration of a failed silo dead", S(f.SlowestDeathDeclarationSeconds)),
            ("notification levels owed / e-mails / webhook POSTs", report.Notifications is { } n ? $"{n.LevelsDue} / {n.Emails} / {n.Webhooks}" : "-"),
            ("notifications skipped / twice / repeats after a takeover", report.Notifications is { } m ? $"{m.Skipped} / {m.SentTwice} / {m.RepeatsAfterTakeover}" : "-"),
            ("violations", report.Violations.Count.ToString(CultureInfo.InvariantCulture)),
        };
        var width = rows.Max(r => r.Figure.Length);
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Chaos run, seed {report.Seed}: {(report.Passed ? "PASSED" : "FAILED")}");
        foreach (var (figure, value) in rows)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"  {figure.PadRight(width)}  {value}");
        }

        foreach (var kind in report.Violations.GroupBy(v => v.Kind))
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"{kind.Key}: {kind.Count()}");
            foreach (var violation in kind.Take(15))
            {
                table.AppendLine(CultureInfo.InvariantCulture, $"  {violation.Detail}");
            }
        }

        return table.ToString();
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
