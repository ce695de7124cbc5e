namespace Coordination.Benchmarks;

/// <summary>
/// The size of every scenario. <see cref="Full"/> is what <c>deploy/bench.sh</c> measures and
/// docs/performance.md reports; <see cref="Smoke"/> runs each scenario in seconds inside the test
/// suite, to prove it works and loses nothing — never to time it.
/// </summary>
public sealed record BenchSettings
{
    /// <summary>Countries of citizenship; each has one consular post abroad flagging its citizens.</summary>
    public IReadOnlyList<string> Countries { get; init; } = ["KG", "KZ", "TJ", "TM", "UZ"];

    /// <summary>Receiving NGOs per country, each serving its own district, so routing spreads flags over all of them.</summary>
    public int AgenciesPerCountry { get; init; } = 40;

    /// <summary>Acknowledgement deadline of Critical items in the system under test (scenario 6). Other scenarios flag Routine items.</summary>
    public TimeSpan CriticalAckDeadline { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Extra environment for the silo and web host, e.g. runtime knobs to compare (<c>--env KEY=VALUE</c>).</summary>
    public IReadOnlyDictionary<string, string> SystemEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether flags carry an Idempotency-Key, as a client that retries safely does.</summary>
    public bool SendIdempotencyKeys { get; init; } = true;

    /// <summary>
    /// Flags sent before any scenario, so the JIT's tiered recompilation (which takes a core's
    /// share for about a minute after start) is over and every figure is steady state.
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(75);

    // 1. Durable throughput
    public IReadOnlyList<int> Concurrency { get; init; } = [1, 4, 16, 64];
    public TimeSpan ThroughputWarmup { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan ThroughputDuration { get; init; } = TimeSpan.FromSeconds(10);

    // 2. Flag → dashboard latency
    public int LatencySamples { get; init; } = 300;
    public TimeSpan LatencyPause { get; init; } = TimeSpan.FromMilliseconds(20);
    public double LoadFraction { get; init; } = 0.5;

    // 3. Fan-out
    public int FanOutAgencies { get; init; } = 200;
    public int ConnectionsPerAgency { get; init; } = 50;
    public int FanOutClientProcesses { get; init; } = 4;
    public int FanOutAlerts { get; init; } = 100;

    // 4. Catch-up
    public int CatchUpItems { get; init; } = 10_000;

    // 5. Surge
    public int SurgeCases { get; init; } = 10_000;
    public int SurgeInFlight { get; init; } = 128;

    // 6. Escalation precision
    public int EscalationAlerts { get; init; } = 1000;
    public TimeSpan EscalationSpread { get; init; } = TimeSpan.FromSeconds(60);

    // 7. Alert → e-mail accepted by the SMTP server
    public int EmailAlerts { get; init; } = 200;
    public TimeSpan EmailPause { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest any single wait of a scenario may take before it fails.</summary>
    public TimeSpan Patience { get; init; } = TimeSpan.FromMinutes(3);

    public int ReceivingAgencies => Countries.Count * AgenciesPerCountry;

    public static BenchSettings Full { get; } = new();

    public static BenchSettings Smoke { get; } = new()
    {
        Countries = ["KG", "TJ"],
        AgenciesPerCountry = 3,
        CriticalAckDeadline = TimeSpan.FromSeconds(3),
        Warmup = TimeSpan.FromMilliseconds(500),
        Concurrency = [1, 4],
        ThroughputWarmup = TimeSpan.FromMilliseconds(200),
        ThroughputDuration = TimeSpan.FromSeconds(1),
        LatencySamples = 5,
        LatencyPause = TimeSpan.FromMilliseconds(10),
        FanOutAgencies = 3,
        ConnectionsPerAgency = 3,
        FanOutClientProcesses = 1,
        FanOutAlerts = 3,
        CatchUpItems = 25,
        SurgeCases = 40,
        SurgeInFlight = 8,
        EscalationAlerts = 5,
        EscalationSpread = TimeSpan.FromSeconds(2),
        EmailAlerts = 3,
        EmailPause = TimeSpan.FromMilliseconds(10),
        Patience = TimeSpan.FromSeconds(60),
    };
}
