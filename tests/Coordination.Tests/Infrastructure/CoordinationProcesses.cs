using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;

namespace Coordination.Tests.Infrastructure;

/// <summary>
/// The real system as separate processes — silos and web hosts built from src/ — on a fresh
/// database of the test PostgreSQL. Processes can be stopped, killed and started again.
/// </summary>
public sealed class CoordinationProcesses : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly List<HostProcess> _processes = [];
    private readonly Dictionary<string, string> _extraEnvironment = new(StringComparer.Ordinal);

    private CoordinationProcesses(string connectionString, string logDirectory)
    {
        ConnectionString = connectionString;
        LogDirectory = logDirectory;
        ClusterId = $"c{Guid.NewGuid():N}"[..12];
    }

    public string ConnectionString { get; }
    public string LogDirectory { get; }
    public string ClusterId { get; }
    public string AdminPassword { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    public IReadOnlyList<HostProcess> Silos => _processes.Where(p => p.Kind == HostKind.Silo && p.IsRunning).ToList();
    public IReadOnlyList<HostProcess> Webs => _processes.Where(p => p.Kind == HostKind.Web && p.IsRunning).ToList();

    /// <summary>A fresh database; silos apply the migrations themselves, as in production.</summary>
    public static async Task<CoordinationProcesses> CreateAsync(
        string purpose, IReadOnlyDictionary<string, string>? environment = null, string? connectionString = null)
    {
        connectionString ??= await TestDatabase.CreateEmptyAsync(purpose);
        var logs = Path.Combine(RepositoryRoot, ".local", "test-logs", $"{purpose}-{DateTime.UtcNow:HHmmss}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(logs);
        var system = new CoordinationProcesses(connectionString, logs);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            system._extraEnvironment[key] = value;
        }

        return system;
    }

    /// <summary>One silo and one web host, both ready.</summary>
    public static async Task<CoordinationProcesses> StartAsync(string purpose, IReadOnlyDictionary<string, string>? environment = null)
    {
        var system = await CreateAsync(purpose, environment);
        await system.StartSiloAsync();
        await system.StartWebAsync();
        return system;
    }

    public async Task<HostProcess> StartSiloAsync()
    {
        var http = FreePort();
        var env = CommonEnvironment(http);
        env["Orleans__SiloPort"] = FreePort().ToString();
        env["Orleans__GatewayPort"] = FreePort().ToString();
        return await StartAsync(HostKind.Silo, http, env);
    }

    /// <summary>A web host; <paramref name="environment"/> adds to or overrides this system's settings for it alone.</summary>
    public async Task<HostProcess> StartWebAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var http = FreePort();
        var env = CommonEnvironment(http);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        env["COORDINATION_ADMIN_PASSWORD"] = AdminPassword;
        env["Coordination__Auth__SigningKey"] = SigningKey;
        return await StartAsync(HostKind.Web, http, env);
    }

    /// <summary>Starts a stopped or killed host again with the same ports and settings, as a supervisor would.</summary>
    public Task<HostProcess> RestartAsync(HostProcess host) =>
        host.IsRunning
            ? throw new InvalidOperationException("Stop or kill the host first.")
            : StartAsync(host.Kind, host.HttpPort, new Dictionary<string, string>(host.Environment, StringComparer.Ordinal));

    public Uri WebUrl => Webs.FirstOrDefault()?.BaseAddress ?? throw new InvalidOperationException("No web host is running.");

    /// <summary>The warnings and errors the hosts logged so far (first line of each, at most 60), for a failing test's message.</summary>
    public string Warnings() =>
        string.Join('\n', AllLogs().Split('\n').Where(l => l.Contains(" WRN] ", StringComparison.Ordinal) || l.Contains(" ERR] ", StringComparison.Ordinal)
            || l.Contains(" FTL] ", StringComparison.Ordinal)).TakeLast(60));

    /// <summary>Every line any host of this system has logged so far.</summary>
    public string AllLogs() =>
        string.Join('\n', _processes.Select(p => File.Exists(p.LogFile) ? ReadShared(p.LogFile) : string.Empty));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.StopAsync();
        }
    }

    /// <summary>The Data Protection key ring of this system's silos (it encrypts passport numbers and phones).</summary>
    public string KeyDirectory => Path.Combine(LogDirectory, "data-protection-keys");

    private Dictionary<string, string> CommonEnvironment(int httpPort)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // Tests sign in far more often from one address than people do; the limit itself is
            // proved by a test that sets it low.
            ["Coordination__Auth__SignInPermitLimit"] = "100000",
            // The same for the per-user and per-agency limits: the tests and the benchmark drive a few
            // accounts far harder than people do; RateLimitTests set them low on a host of their own.
            ["Coordination__Web__RateLimits__UserPermitLimit"] = "10000000",
            ["Coordination__Web__RateLimits__AgencyPermitLimit"] = "10000000",
            ["Coordination__Web__RateLimits__DashboardsPerUser"] = "100000",
            ["Coordination__Web__RateLimits__DashboardsPerAgency"] = "1000000",
            ["Coordination__DataProtection__KeyDirectory"] = KeyDirectory,
        };
        foreach (var (key, value) in _extraEnvironment)
        {
            env[key] = value;
        }

        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["ConnectionStrings__Coordination"] = ConnectionString,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__ServiceId"] = ClusterId,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        })
        {
            env[key] = value;
        }

        return env;
    }

    private async Task<HostProcess> StartAsync(HostKind kind, int httpPort, Dictionary<string, string> environment)
    {
        var project = kind == HostKind.Silo ? "Silo" : "Web";
        var dll = Path.Combine(RepositoryRoot, "src", project, "bin", BuildConfiguration, "net10.0", $"Coordination.{project}.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build the solution first ({BuildConfiguration}); {dll} is missing.");
        }

        var index = _processes.Count(p => p.Kind == kind) + 1;
        var log = Path.Combine(LogDirectory, $"{kind.ToString().ToLowerInvariant()}{index}.log");
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The content root, so appsettings.json and wwwroot are found as in a real run.
            WorkingDirectory = Path.Combine(RepositoryRoot, "src", project),
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {dll}.");
        var host = new HostProcess(kind, process, new Uri($"http://127.0.0.1:{httpPort}"), log, httpPort, environment);
        _processes.Add(host);
        await host.WaitReadyAsync(StartTimeout);
        return host;
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string RepositoryRoot { get; } = FindRoot();

    private static string BuildConfiguration =>
        typeof(CoordinationProcesses).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Coordination.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Coordination.sln not found above the test binaries.");
    }
}

public enum HostKind
{
    Silo,
    Web,
}

/// <summary>One running silo or web host; its console output goes to <see cref="LogFile"/>.</summary>
public sealed class HostProcess
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    internal HostProcess(HostKind kind, Process process, Uri baseAddress, string logFile, int httpPort, IReadOnlyDictionary<string, string> environment)
    {
        HttpPort = httpPort;
        Environment = environment;
        Kind = kind;
        _process = process;
        BaseAddress = baseAddress;
        LogFile = logFile;
        _log = new StreamWriter(new FileStream(logFile, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public HostKind Kind { get; }
    public int HttpPort { get; }
    public IReadOnlyDictionary<string, string> Environment { get; }
    public Uri BaseAddress { get; }
    public string LogFile { get; }
    public bool IsRunning => !_process.HasExited;
    public int ProcessId => _process.Id;

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Kind} exited with {_process.ExitCode} before it was ready; see {LogFile}.");
            }

            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{Kind} at {BaseAddress} was not ready within {timeout}; see {LogFile}.");
    }

    /// <summary>Graceful stop (SIGTERM), as an operator or systemd would.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
        {
            await kill!.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Abrupt death (SIGKILL): no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.WriteLine(line);
        }
    }
}
