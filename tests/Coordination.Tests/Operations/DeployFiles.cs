using System.Diagnostics;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Operations;

/// <summary>The files under deploy/: paths, environment files, and running its scripts.</summary>
public static class DeployFiles
{
    public static string Root { get; } = Path.Combine(CoordinationProcesses.RepositoryRoot, "deploy");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>
    /// A KEY=VALUE file as systemd's EnvironmentFile reads it: comments and blank lines skipped,
    /// the value verbatim after the first '='.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReadEnvironmentFile(string path)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path).Select(l => l.Trim()))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var equals = line.IndexOf('=');
            Assert.True(equals > 0, $"{path}: not KEY=VALUE: {line}");
            Assert.True(settings.TryAdd(line[..equals], line[(equals + 1)..]), $"{path}: {line[..equals]} is set twice");
        }

        return settings;
    }

    /// <summary>
    /// The settings of deploy/systemd's environment files that hold for any machine — everything
    /// but the addresses, ports and secrets each machine fills in, which a test sets itself.
    /// </summary>
    public static Dictionary<string, string> SystemdSettings()
    {
        string[] perMachine =
        [
            "ConnectionStrings__Coordination", "ConnectionStrings__CoordinationMigrations", "Orleans__AdvertisedAddress", "Orleans__SiloPort", "Orleans__GatewayPort",
            "ASPNETCORE_URLS", "Coordination__Observability__MetricsPort", "Coordination__Auth__SigningKey", "COORDINATION_ADMIN_PASSWORD",
            "Coordination__DataProtection__KeyDirectory", "Coordination__Web__Security__KnownProxies__0",
        ];
        return new[] { "coordination.env", "silo.env", "web.env" }
            .SelectMany(f => ReadEnvironmentFile(PathOf("systemd", f)))
            .Where(s => !perMachine.Contains(s.Key))
            .ToDictionary(s => s.Key, s => s.Value);
    }

    /// <summary>Runs a deploy script with bash, as an operator would, and returns its standard output; fails on a non-zero exit.</summary>
    public static Task<string> RunScriptAsync(string script, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunAsync([PathOf(script), .. args], environment, $"deploy/{script} {string.Join(' ', args)}");

    /// <summary>Runs a bash command in the repository root (e.g. a function of a deploy/lib file) with <paramref name="args"/> as $1, $2…</summary>
    public static Task<string> RunBashAsync(string command, params string[] args) =>
        RunAsync(["-c", command, "bash", .. args], new Dictionary<string, string>(), command);

    private static async Task<string> RunAsync(string[] arguments, IReadOnlyDictionary<string, string> environment, string what)
    {
        var info = new ProcessStartInfo("bash", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = CoordinationProcesses.RepositoryRoot,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{what} exited with {process.ExitCode}:\n{await error}");
        return await output;
    }
}
