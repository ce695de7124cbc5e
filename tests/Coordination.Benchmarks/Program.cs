using System.Globalization;

namespace Coordination.Benchmarks;

/// <summary>
/// The benchmark console. Normally run by <c>deploy/bench.sh</c>, which starts a throwaway PostgreSQL
/// and sets COORDINATION_TEST_PG:
/// <code>
///   Coordination.Benchmarks [--smoke] [--only 1,2,...] [--concurrency 1,4,16,64] [--seconds 10] [--agencies 40] [--samples 300] [--env KEY=VALUE]... [--out .local/bench/results.json]
/// </code>
/// It also runs as its own helper processes (fan-out clients, the echo server); see <see cref="ChildProcesses"/>.
/// </summary>
public static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case ChildProcesses.ClientsRole:
                return await ChildProcesses.RunClientsAsync(args[1]);
            case ChildProcesses.EchoServerRole:
                return await ChildProcesses.RunEchoServerAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
        }

        var smoke = args.Contains("--smoke");
        var only = Option(args, "--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet()
            ?? BenchmarkRunner.AllScenarios.ToHashSet();
        var output = Option(args, "--out") ?? Path.Combine(Tests.Infrastructure.CoordinationProcesses.RepositoryRoot, ".local", "bench", smoke ? "smoke.json" : "results.json");
        var settings = smoke ? BenchSettings.Smoke : BenchSettings.Full;
        if (Option(args, "--concurrency") is { } levels)
        {
            settings = settings with { Concurrency = levels.Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList() };
        }

        if (Option(args, "--seconds") is { } seconds)
        {
            settings = settings with { ThroughputDuration = TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture)) };
        }

        if (Option(args, "--agencies") is { } perCountry)
        {
            settings = settings with { AgenciesPerCountry = int.Parse(perCountry, CultureInfo.InvariantCulture) };
        }

        if (Option(args, "--samples") is { } samples)
        {
            settings = settings with { LatencySamples = int.Parse(samples, CultureInfo.InvariantCulture) };
        }

        var environment = args.Select((a, i) => (a, i)).Where(x => x.a == "--env" && x.i + 1 < args.Length).Select(x => args[x.i + 1].Split('=', 2)).ToList();
        if (environment.Count > 0)
        {
            settings = settings with { SystemEnvironment = environment.ToDictionary(e => e[0], e => e.Length > 1 ? e[1] : string.Empty) };
        }

        ThreadPool.SetMinThreads(128, 128);

        var started = DateTime.UtcNow;
        void Log(string line) => Console.Error.WriteLine($"[bench {DateTime.UtcNow - started:mm\\:ss}] {line}");

        var command = "bash deploy/bench.sh" + (args.Length > 0 ? " " + string.Join(' ', args) : string.Empty);
        var report = await BenchmarkRunner.RunAsync(settings, only, command, Log);
        await BenchmarkRunner.WriteJsonAsync(report, output);

        Console.WriteLine();
        Console.WriteLine(BenchmarkRunner.Table(report));
        Console.WriteLine(BenchmarkRunner.Notes(report));
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Machine.Cores} cores, {report.Machine.Memory}; load average {report.Machine.LoadAverageBefore} before, {report.Machine.LoadAverageAfter} after; {report.Duration.TotalMinutes:F1} min"));
        Console.WriteLine($"results: {output}");
        return BenchmarkRunner.Failed(report) ? 1 : 0;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
