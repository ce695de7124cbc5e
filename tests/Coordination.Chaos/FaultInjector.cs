using System.Collections.Concurrent;
using System.Diagnostics;
using Coordination.Chaos.Checking;
using Coordination.Tests.Infrastructure;
using Npgsql;

namespace Coordination.Chaos;

/// <summary>
/// Injects faults one at a time on a schedule drawn from the seed: SIGKILL of a silo or a web
/// host (started again after a while, as a supervisor would), PostgreSQL stopped immediately
/// for 5–20 s, a silo frozen with SIGSTOP until the membership declares it dead (then SIGCONT; a
/// silo that finds itself dead stops, and is started again). One fault at a time, and a silo
/// fault only while both silos run, so two silos are never down at once.
/// </summary>
public sealed class FaultInjector(ChaosSystem system, Recorder recorder, NpgsqlDataSource db, string postgresDirectory, int seed, Action<string> log)
{
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DeathTimeout = TimeSpan.FromSeconds(120);
    private const int StartAttempts = 5;
    private static readonly TimeSpan StartRetryDelay = TimeSpan.FromSeconds(2);
    private readonly Random _random = new(seed);
    // A web host's restart runs beside the next fault, so both may replace their entry at once.
    private readonly ConcurrentDictionary<string, HostProcess> _hosts = new(
        system.Processes.Silos.Select((s, i) => KeyValuePair.Create($"silo{i + 1}", s))
            .Concat(system.Processes.Webs.Select((w, i) => KeyValuePair.Create(Workload.Hosts[i], w))));

    /// <summary>Runs faults until <paramref name="until"/>, never starting one that could not heal before then.</summary>
    public async Task RunAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        await Task.Delay(Warmup, cancellationToken);
        Task webKill = Task.CompletedTask;
        var kinds = new List<FaultKind>();
        while (true)
        {
            if (kinds.Count == 0)
            {
                kinds.AddRange(Enum.GetValues<FaultKind>().OrderBy(_ => _random.Next()));
            }

            // The next kind in the seeded order that can heal before the end: a short run skips a freeze.
            var remaining = until - recorder.Now;
            var fitting = kinds.Where(k => Needs(k) <= remaining).ToList();
            if (fitting.Count == 0)
            {
                break;
            }

            var next = fitting[0];
            kinds.Remove(next);
            if (next == FaultKind.WebKill)
            {
                // A web host's restart may overlap the next fault: no other process depends on it.
                await webKill;
                webKill = RecordAsync(KillWebAsync(Workload.Hosts[_random.Next(Workload.Hosts.Length)]));
            }
            else
            {
                await RecordAsync(next switch
                {
                    FaultKind.SiloKill => KillSiloAsync(PickSilo()),
                    FaultKind.DatabaseStop => StopDatabaseAsync(TimeSpan.FromSeconds(5 + _random.Next(16))),
                    _ => PauseSiloAsync(PickSilo()),
                });
            }

            var gap = TimeSpan.FromSeconds(5 + _random.Next(11));
            if (recorder.Now + gap > until)
            {
                break;
            }

            await Task.Delay(gap, cancellationToken);
        }

        await webKill;
    }

    /// <summary>How long a fault takes to inject and heal on a loaded machine (a freeze waits for the death declaration, up to a minute).</summary>
    private static TimeSpan Needs(FaultKind kind) => kind switch
    {
        FaultKind.SiloPause => TimeSpan.FromSeconds(90),
        FaultKind.SiloKill => TimeSpan.FromSeconds(30),
        FaultKind.DatabaseStop => TimeSpan.FromSeconds(25),
        _ => TimeSpan.FromSeconds(15),
    };

    private async Task RecordAsync(Task<Fault> injected)
    {
        var fault = await injected;
        recorder.Add(fault);
        log($"fault {fault.Kind} {fault.Target}: {(fault.Healed - fault.Start).TotalSeconds:F1} s" +
            (fault.DeclaredDead is { } dead ? $", declared dead after {(dead - fault.Start).TotalSeconds:F1} s" : string.Empty));
    }

    private string PickSilo() => _random.Next(2) == 0 ? "silo1" : "silo2";

    private async Task<Fault> KillSiloAsync(string name)
    {
        var silo = _hosts[name];
        var down = TimeSpan.FromSeconds(3 + _random.Next(13));
        var generation = await GenerationAsync(silo);
        var start = recorder.Now;
        await silo.KillAsync();
        var declared = WaitDeclaredDeadAsync(silo, generation);
        await Task.Delay(down);
        _hosts[name] = await RestartAsync(silo);
        var healed = recorder.Now;
        return new Fault(FaultKind.SiloKill, name, start, healed, await declared);
    }

    private async Task<Fault> PauseSiloAsync(string name)
    {
        var silo = _hosts[name];
        var generation = await GenerationAsync(silo);
        var start = recorder.Now;
        await SignalAsync("STOP", silo.ProcessId);
        var dead = await WaitDeclaredDeadAsync(silo, generation);
        await SignalAsync("CONT", silo.ProcessId);
        // A silo that learns it was declared dead stops by itself; one that does not is killed.
        var patience = Stopwatch.StartNew();
        while (silo.IsRunning && patience.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(250);
        }

        await silo.KillAsync();
        _hosts[name] = await RestartAsync(silo);
        return new Fault(FaultKind.SiloPause, name, start, recorder.Now, dead);
    }

    private async Task<Fault> KillWebAsync(string name)
    {
        var web = _hosts[name];
        var start = recorder.Now;
        await web.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(2 + _random.Next(7)));
        _hosts[name] = await RestartAsync(web);
        return new Fault(FaultKind.WebKill, name, start, recorder.Now, null);
    }

    /// <summary>
    /// Starts a host again as a supervisor would: one that exits at start (a web host whose only
    /// reachable gateway was the silo restarting beside it) is started again after a pause. One
    /// that runs but is not ready in time is not: starting a second on its port would fail.
    /// </summary>
    private async Task<HostProcess> RestartAsync(HostProcess host)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await system.Processes.RestartAsync(host);
            }
            catch (InvalidOperationException ex) when (attempt < StartAttempts)
            {
                log($"restart of a host on port {host.HttpPort} failed ({ex.GetType().Name}); starting it again in {StartRetryDelay.TotalSeconds:F0} s");
                await Task.Delay(StartRetryDelay);
            }
        }
    }

    private async Task<Fault> StopDatabaseAsync(TimeSpan down)
    {
        var start = recorder.Now;
        await PostgresAsync("pg_crash_cluster");
        await Task.Delay(down);
        await PostgresAsync("pg_start_cluster");
        // The crash cut the idle connections of the injector's own pool; it must not hand them out.
        db.Clear();
        return new Fault(FaultKind.DatabaseStop, "postgres", start, recorder.Now, null);
    }

    /// <summary>Stops or starts the run's cluster with deploy/lib/postgres.sh, the functions deploy/chaos.sh started it with.</summary>
    private async Task PostgresAsync(string function)
    {
        var library = Path.Combine(CoordinationProcesses.RepositoryRoot, "deploy", "lib", "postgres.sh");
        var info = new ProcessStartInfo("bash", ["-c", $"source \"$0\" && {function} \"$1\"", library, postgresDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{function} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static async Task SignalAsync(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    private static int SiloPort(HostProcess silo) => int.Parse(silo.Environment["Orleans__SiloPort"], System.Globalization.CultureInfo.InvariantCulture);

    private async Task<int> GenerationAsync(HostProcess silo)
    {
        await using var command = db.CreateCommand(
            "SELECT max(generation) FROM orleansmembershiptable WHERE deploymentid = @cluster AND port = @port AND status = 3");
        command.Parameters.AddWithValue("cluster", system.Processes.ClusterId);
        command.Parameters.AddWithValue("port", SiloPort(silo));
        return await command.ExecuteScalarAsync() is int generation
            ? generation
            : throw new InvalidOperationException($"silo on port {SiloPort(silo)} is not active in the membership table");
    }

    /// <summary>When the membership table first shows that silo generation dead (Orleans status 6), polled every 250 ms.</summary>
    private async Task<DateTimeOffset?> WaitDeclaredDeadAsync(HostProcess silo, int generation)
    {
        var patience = Stopwatch.StartNew();
        while (patience.Elapsed < DeathTimeout)
        {
            try
            {
                await using var command = db.CreateCommand(
                    "SELECT status FROM orleansmembershiptable WHERE deploymentid = @cluster AND port = @port AND generation = @generation");
                command.Parameters.AddWithValue("cluster", system.Processes.ClusterId);
                command.Parameters.AddWithValue("port", SiloPort(silo));
                command.Parameters.AddWithValue("generation", generation);
                if (await command.ExecuteScalarAsync() is 6)
                {
                    return recorder.Now;
                }
            }
            catch (NpgsqlException)
            {
                // PostgreSQL is not the fault here, but a slow moment of it is no reason to stop watching.
            }

            await Task.Delay(250);
        }

        log($"silo on port {SiloPort(silo)} was not declared dead within {DeathTimeout.TotalSeconds} s");
        return null;
    }
}
