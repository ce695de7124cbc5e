using Coordination.Benchmarks;
using Xunit.Abstractions;

namespace Coordination.Tests.Benchmarks;

/// <summary>
/// Every benchmark scenario, tiny, against real processes: proves the scenarios still run against
/// the current system and that nothing they send is lost. Never asserts on timings — the figures
/// come from <c>deploy/bench.sh</c>.
/// </summary>
public sealed class BenchmarkSmokeTests(BenchmarkSmokeFixture fixture, ITestOutputHelper output) : IClassFixture<BenchmarkSmokeFixture>
{
    private BenchSystem System => fixture.System;

    [Fact]
    public async Task Durable_throughput_counts_only_flags_that_are_committed()
    {
        var (result, saturation) = await DurableThroughput.RunAsync(System, Log);

        Assert.Equal(System.Settings.Concurrency.Count, result.Measurements.Count(m => m.Metric.StartsWith("committed", StringComparison.Ordinal)));
        // The flag floor ran beside each level, and its transactions committed a flag's rows.
        Assert.Equal(System.Settings.Concurrency.Count, result.Measurements.Count(m => m.Metric.StartsWith("flags/s against the flag floor", StringComparison.Ordinal) && m.Baseline > 0));
        Assert.True(await System.Raw.FlagRowsCountAsync() > 0);
        Assert.True(saturation > 0);
        AssertMeasured(result);
    }

    [Fact]
    public async Task Flag_latency_probes_see_every_referral_pushed_at_idle_and_under_load()
    {
        var result = await FlagLatency.RunAsync(System, saturationPerSecond: 10, Log);

        Assert.Contains(result.Measurements, m => m.Metric.StartsWith("idle", StringComparison.Ordinal));
        Assert.Contains(result.Measurements, m => m.Metric.StartsWith("at ", StringComparison.Ordinal));
        AssertMeasured(result);
    }

    [Fact]
    public async Task Fan_out_alert_reaches_every_connection_of_its_agency_from_client_processes()
    {
        var result = await FanOut.RunAsync(System, Log);

        AssertMeasured(result);
    }

    [Fact]
    public async Task Catch_up_returns_every_missed_item_exactly_once_in_order()
    {
        var result = await CatchUp.RunAsync(System, Log);

        AssertMeasured(result);
    }

    [Fact]
    public async Task Surge_commits_and_pushes_every_referral_and_leaves_every_feed_gapless()
    {
        var result = await Surge.RunAsync(System, Log);

        AssertMeasured(result);
    }

    [Fact]
    public async Task Escalation_raises_and_pushes_an_AckOverdue_for_every_unacknowledged_alert()
    {
        var result = await Escalation.RunAsync(System, Log);

        AssertMeasured(result);
    }

    [Fact]
    public async Task Email_latency_finds_every_critical_alerts_email_in_the_smtp_servers_inbox_once_beside_raw_sends()
    {
        var result = await EmailLatency.RunAsync(System, Log);

        AssertMeasured(result);
        Assert.All(result.Measurements, m => Assert.True(m.Baseline > 0, $"{m.Metric}: no raw send measured"));
    }

    private static void AssertMeasured(ScenarioResult result)
    {
        Assert.NotEmpty(result.Measurements);
        Assert.All(result.Measurements, m => Assert.False(double.IsNaN(m.System), $"{m.Metric} was not measured"));
    }

    private void Log(string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // a helper process reported after the test ended
        }
    }
}

/// <summary>One system (silo, web host, field of agencies) for all smoke scenarios, sized by <see cref="BenchSettings.Smoke"/>.</summary>
public sealed class BenchmarkSmokeFixture : IAsyncLifetime
{
    public BenchSystem System { get; private set; } = null!;

    public async Task InitializeAsync() => System = await BenchSystem.StartAsync(BenchSettings.Smoke, _ => { });

    public async Task DisposeAsync() => await System.DisposeAsync();
}
