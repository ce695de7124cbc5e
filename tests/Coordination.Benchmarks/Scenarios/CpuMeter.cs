using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Coordination.Benchmarks;

/// <summary>
/// CPU time used by each process of the run (web host, silo, PostgreSQL server, this benchmark),
/// from /proc. CPU per operation is far steadier than a rate on a shared machine, and it says
/// where the time goes.
/// </summary>
public sealed class CpuMeter
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, fixed at 100 on Linux
    private readonly int _web;
    private readonly int _silo;
    private readonly int? _postmaster;

    private CpuMeter(int web, int silo, int? postmaster)
    {
        _web = web;
        _silo = silo;
        _postmaster = postmaster;
    }

    public static async Task<CpuMeter> CreateAsync(BenchSystem system)
    {
        int? postmaster = null;
        try
        {
            await using var command = system.SystemDb.CreateCommand("SHOW data_directory");
            var dataDirectory = (string)(await command.ExecuteScalarAsync())!;
            postmaster = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NpgsqlException or FormatException)
        {
            // Not our server to look into (another user's, or remote): PostgreSQL's share stays unknown.
        }

        return new CpuMeter(system.Processes.Webs[0].ProcessId, system.Processes.Silos[0].ProcessId, postmaster);
    }

    public CpuSnapshot Take() => new(
        Seconds(_web, includeChildren: false),
        Seconds(_silo, includeChildren: false),
        _postmaster is { } pm ? Seconds(pm, includeChildren: true) + ChildrenOf(pm).Sum(p => Seconds(p, includeChildren: false)) : double.NaN,
        Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);

    private static IEnumerable<int> ChildrenOf(int parent)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { } fields && fields[1] == parent.ToString(CultureInfo.InvariantCulture))
            {
                yield return pid;
            }
        }
    }

    private static double Seconds(int pid, bool includeChildren)
    {
        if (Stat(pid) is not { } f)
        {
            return 0;
        }

        // After the command name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
        var ticks = long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
        if (includeChildren)
        {
            ticks += long.Parse(f[13], CultureInfo.InvariantCulture) + long.Parse(f[14], CultureInfo.InvariantCulture);
        }

        return ticks / TicksPerSecond;
    }

    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>Cumulative CPU seconds per process at one moment.</summary>
public sealed record CpuSnapshot(double Web, double Silo, double Postgres, double Benchmark)
{
    public static CpuSnapshot operator -(CpuSnapshot a, CpuSnapshot b) =>
        new(a.Web - b.Web, a.Silo - b.Silo, a.Postgres - b.Postgres, a.Benchmark - b.Benchmark);

    /// <summary>Milliseconds of CPU per operation.</summary>
    public CpuSnapshot PerOperation(long operations) =>
        new(Web * 1000 / operations, Silo * 1000 / operations, Postgres * 1000 / operations, Benchmark * 1000 / operations);

    public double Total => Web + Silo + (double.IsNaN(Postgres) ? 0 : Postgres) + Benchmark;
}
