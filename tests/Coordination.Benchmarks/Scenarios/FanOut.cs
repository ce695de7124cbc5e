using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR.Client;

namespace Coordination.Benchmarks;

/// <summary>
/// 3. Fan-out: 10,000 dashboard connections (WebSockets) over 200 agencies, 50 each, held by a few
/// client processes, on one web host. Memory per connection is the web process's RSS growth over the
/// connections; then one alert at a time goes to one agency while the others idle, timed until all
/// 50 of its connections hold it. Baseline: the same connections to the bare echo hub in its own
/// process, and a committed raw INSERT followed by a group broadcast to the agency's 50.
/// </summary>
public static class FanOut
{
    public const string Id = "3";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public static async Task<ScenarioResult> RunAsync(BenchSystem system, Action<string> log)
    {
        var s = system.Settings;
        if (s.FanOutAgencies > system.Receivers.Count)
        {
            throw new ArgumentException($"fan-out needs {s.FanOutAgencies} agencies; the field has {system.Receivers.Count}");
        }

        var agencies = system.Receivers.Take(s.FanOutAgencies).ToList();
        var web = system.Processes.Webs[0];
        // Warm the path once so JIT and first-activation costs stay out of both figures.
        await system.FlagAsync(agencies[0]);

        log($"  system: {agencies.Count * s.ConnectionsPerAgency} connections to the web host");
        var measured = await MeasureAsync(s, web.ProcessId, i => (system.HubUrl, agencies[i].Token), agencies.Count,
            async i => (await system.FlagAsync(agencies[i])).CaseId, log);

        log($"  baseline: {agencies.Count * s.ConnectionsPerAgency} connections to the echo hub in its own process");
        await using var echo = await EchoServerProcess.StartAsync();
        var controlBoard = new ReceiptBoard();
        await using var control = await EchoServer.ConnectAsync(echo.HubUrl, controlBoard);
        var baseline = await MeasureAsync(s, echo.ProcessId, i => (new Uri($"{echo.HubUrl}?group=g{i}"), null), agencies.Count, async i =>
        {
            var tag = Guid.NewGuid().ToString("N");
            await system.Raw.InsertAsync();
            await control.SendAsync("Broadcast", $"g{i}", tag);
            return tag;
        }, log);

        var measurements = new List<Measurement>
        {
            new("memory per connection", measured.BytesPerConnection / 1024, baseline.BytesPerConnection / 1024, "KiB"),
            new("time to open all connections", measured.ConnectSeconds, baseline.ConnectSeconds, "s"),
            new("alert to all 50: p50", measured.Latency.Percentile(50), baseline.Latency.Percentile(50), "ms"),
            new("alert to all 50: p99", measured.Latency.Percentile(99), baseline.Latency.Percentile(99), "ms"),
            new("alert to all 50: max", measured.Latency.Max, baseline.Latency.Max, "ms"),
        };
        var notes = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"{measured.Connections} connections over {agencies.Count} agencies in {s.FanOutClientProcesses} client processes; web RSS {measured.RssBefore / 1048576.0:F0} → {measured.RssAfter / 1048576.0:F0} MiB; echo server RSS {baseline.RssBefore / 1048576.0:F0} → {baseline.RssAfter / 1048576.0:F0} MiB"),
            string.Create(CultureInfo.InvariantCulture, $"{s.FanOutAlerts} alerts, one at a time, each to the next agency; every one reached all {s.ConnectionsPerAgency} connections"),
        };
        return new ScenarioResult(Id, "Fan-out (10,000 connections, one agency alerted)", measurements, notes);
    }

    private sealed record Figures(int Connections, long RssBefore, long RssAfter, double ConnectSeconds, Samples Latency)
    {
        public double BytesPerConnection => (double)(RssAfter - RssBefore) / Connections;
    }

    private static async Task<Figures> MeasureAsync(BenchSettings s, int serverPid, Func<int, (Uri Url, string? Token)> connectionOf,
        int agencies, Func<int, Task<string>> alert, Action<string> log)
    {
        var board = new ReceiptBoard();
        await Task.Delay(Settle);
        var rssBefore = ChildProcesses.RssBytes(serverPid);
        var started = Stopwatch.GetTimestamp();
        var clients = Enumerable.Range(0, s.FanOutClientProcesses)
            .Select(p => ClientProcess.Start(
                Enumerable.Range(0, agencies).Where(i => i % s.FanOutClientProcesses == p)
                    .Select(i => (connectionOf(i).Url, connectionOf(i).Token, s.ConnectionsPerAgency)),
                board, log))
            .ToList();
        try
        {
            var connected = await Task.WhenAll(clients.Select(c => c.Connected.WaitAsync(s.Patience)));
            var connectSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var total = connected.Sum(c => c.Connected);
            var failed = connected.Sum(c => c.Failed);
            if (failed > 0)
            {
                throw new BenchmarkFailure($"{failed} of {total + failed} dashboard connections failed to open");
            }

            await Task.Delay(Settle);
            var rssAfter = ChildProcesses.RssBytes(serverPid);
            log(string.Create(CultureInfo.InvariantCulture,
                $"    {total} connections open in {connectSeconds:F1} s; server RSS {rssBefore / 1048576.0:F0} → {rssAfter / 1048576.0:F0} MiB"));

            var latency = new Samples();
            for (var i = 0; i < s.FanOutAlerts; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var key = await alert(i % agencies);
                var (_, last) = await board.WaitAsync(key, s.ConnectionsPerAgency, s.Patience);
                latency.AddElapsed(start, last);
                await Task.Delay(s.LatencyPause);
            }

            log(string.Create(CultureInfo.InvariantCulture, $"    alert to all {s.ConnectionsPerAgency}: p50 {latency.Percentile(50):F1} ms, p99 {latency.Percentile(99):F1} ms"));
            return new Figures(total, rssBefore, rssAfter, connectSeconds, latency);
        }
        finally
        {
            await Task.WhenAll(clients.Select(async c => await c.DisposeAsync()));
        }
    }
}
