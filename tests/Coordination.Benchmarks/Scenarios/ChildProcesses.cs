using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Threading.Channels;
using Coordination.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Coordination.Benchmarks;

/// <summary>
/// The benchmark console started again in a helper role, so that 10,000 dashboard connections are
/// spread over a few client processes and the SignalR baseline server has a process (and memory
/// figure) of its own. They talk to the benchmark over stdin/stdout, one line per event.
/// </summary>
public static class ChildProcesses
{
    public const string ClientsRole = "fanout-clients";
    public const string EchoServerRole = "echo-server";

    private static string Configuration =>
        typeof(ChildProcesses).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The benchmark console of the same configuration as the code running now.</summary>
    public static string BenchmarkDll
    {
        get
        {
            var dll = Path.Combine(CoordinationProcesses.RepositoryRoot, "tests", "Coordination.Benchmarks", "bin", Configuration, "net10.0", "Coordination.Benchmarks.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build tests/Coordination.Benchmarks ({Configuration}) first; {dll} is missing.");
        }
    }

    /// <summary>Resident memory of a process, from /proc.</summary>
    public static long RssBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    internal static Process Start(string role, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet", [BenchmarkDll, role, .. arguments])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"could not start the benchmark console as {role}");
    }

    internal static async Task StopAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        try
        {
            await process.StandardInput.WriteLineAsync("STOP");
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // it is already going
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Child role: opens the connections listed in the spec file, reports each push, closes them on STOP.</summary>
    public static async Task<int> RunClientsAsync(string specFile)
    {
        ThreadPool.SetMinThreads(64, 64);
        var output = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        var writer = Task.Run(async () =>
        {
            await foreach (var line in output.Reader.ReadAllAsync())
            {
                Console.Out.WriteLine(line);
            }
        });

        var specs = File.ReadAllLines(specFile).Where(l => l.Length > 0).Select(l => l.Split('\t'))
            .SelectMany(f => Enumerable.Repeat((Url: f[0], Token: f[1]), int.Parse(f[2], CultureInfo.InvariantCulture)))
            .ToList();
        var connections = new ConcurrentBag<HubConnection>();
        var failed = 0;
        var stopping = false;
        using var gate = new SemaphoreSlim(32);
        await Task.WhenAll(specs.Select(async spec =>
        {
            await gate.WaitAsync();
            try
            {
                var connection = new HubConnectionBuilder()
                    .WithUrl(spec.Url, o =>
                    {
                        o.Transports = HttpTransportType.WebSockets;
                        o.SkipNegotiation = true;
                        if (spec.Token != "-")
                        {
                            o.AccessTokenProvider = () => Task.FromResult<string?>(spec.Token);
                        }
                    })
                    .Build();
                connection.On<JsonElement>("feed", item =>
                {
                    var at = Stopwatch.GetTimestamp();
                    if (item.TryGetProperty("caseId", out var key) && key.GetString() is { } caseId)
                    {
                        output.Writer.TryWrite(string.Create(CultureInfo.InvariantCulture, $"R {caseId} {at}"));
                    }
                });
                connection.Closed += error =>
                {
                    if (!Volatile.Read(ref stopping))
                    {
                        output.Writer.TryWrite($"X connection closed: {error?.Message}");
                    }

                    return Task.CompletedTask;
                };
                await connection.StartAsync();
                connections.Add(connection);
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref failed);
                output.Writer.TryWrite($"X {ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                gate.Release();
            }
        }));
        output.Writer.TryWrite(string.Create(CultureInfo.InvariantCulture, $"CONNECTED {connections.Count} {failed}"));

        while (await Console.In.ReadLineAsync() is { } line && line != "STOP")
        {
        }

        Volatile.Write(ref stopping, true);
        await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await c.DisposeAsync());
        output.Writer.Complete();
        await writer;
        return 0;
    }

    /// <summary>Child role: the echo hub in a process of its own, so its memory can be measured like the web host's.</summary>
    public static async Task<int> RunEchoServerAsync(int port)
    {
        await using var server = await EchoServer.StartAsync(port);
        Console.Out.WriteLine("READY");
        while (await Console.In.ReadLineAsync() is { } line && line != "STOP")
        {
        }

        return 0;
    }
}

/// <summary>One client process holding many dashboard connections; every push it reports lands on the board.</summary>
public sealed class ClientProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<(int Connected, int Failed)> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;
    private readonly string _specFile;

    private ClientProcess(Process process, string specFile, ReceiptBoard board, Action<string> log)
    {
        _process = process;
        _specFile = specFile;
        _reading = Task.WhenAll(ReadAsync(board, log), ForwardErrorsAsync(log));
    }

    /// <summary>Connections as (hub URL, token or "-", count) lines.</summary>
    public static ClientProcess Start(IEnumerable<(Uri Url, string? Token, int Count)> connections, ReceiptBoard board, Action<string> log)
    {
        var specFile = Path.Combine(Path.GetTempPath(), $"coordination-bench-{Guid.NewGuid():N}.tsv");
        File.WriteAllLines(specFile, connections.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Url}\t{c.Token ?? "-"}\t{c.Count}")));
        return new ClientProcess(ChildProcesses.Start(ChildProcesses.ClientsRole, [specFile]), specFile, board, log);
    }

    public Task<(int Connected, int Failed)> Connected => _connected.Task;

    private async Task ReadAsync(ReceiptBoard board, Action<string> log)
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ', 3);
            switch (parts[0])
            {
                case "R" when parts.Length == 3:
                    board.Record(parts[1], long.Parse(parts[2], CultureInfo.InvariantCulture));
                    break;
                case "CONNECTED":
                    _connected.TrySetResult((int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture)));
                    break;
                default:
                    log($"    client {_process.Id}: {line}");
                    break;
            }
        }

        _connected.TrySetException(new BenchmarkFailure($"client process {_process.Id} exited before connecting"));
    }

    private async Task ForwardErrorsAsync(Action<string> log)
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            log($"    client {_process.Id} stderr: {line}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcesses.StopAsync(_process);
        await _reading;
        _process.Dispose();
        File.Delete(_specFile);
    }
}

/// <summary>The echo hub in its own process (server GC, like the web host).</summary>
public sealed class EchoServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private EchoServerProcess(Process process, Uri hubUrl)
    {
        _process = process;
        HubUrl = hubUrl;
    }

    public Uri HubUrl { get; }
    public int ProcessId => _process.Id;

    public static async Task<EchoServerProcess> StartAsync()
    {
        var port = CoordinationProcesses.FreePort();
        var process = ChildProcesses.Start(ChildProcesses.EchoServerRole, [port.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" });
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(patience.Token) is { } line)
        {
            if (line == "READY")
            {
                return new EchoServerProcess(process, new Uri($"http://127.0.0.1:{port}/hubs/echo"));
            }
        }

        throw new BenchmarkFailure($"the echo server exited before it was ready: {await process.StandardError.ReadToEndAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcesses.StopAsync(_process);
        _process.Dispose();
    }
}
