using Coordination.Chaos.Checking;

namespace Coordination.Chaos;

/// <param name="Duration">How long load runs and faults are injected.</param>
/// <param name="Quiet">After the load: time for retries, escalations and dashboards to settle before the check.</param>
/// <param name="Workers">Concurrent clients; each sends one request at a time (bounded load).</param>
/// <param name="Pause">Think time of a worker between its requests.</param>
public sealed record ChaosSettings(
    TimeSpan Duration, int Seed, TimeSpan Quiet, int Workers, TimeSpan Pause,
    TimeSpan CriticalAck, TimeSpan UrgentAck, TimeSpan RepeatEvery, CheckBounds Bounds)
{
    public static ChaosSettings For(TimeSpan duration, int seed)
    {
        var repeat = TimeSpan.FromMinutes(1);
        return new ChaosSettings(duration, seed, Quiet: TimeSpan.FromSeconds(15), Workers: 4, Pause: TimeSpan.FromMilliseconds(300),
            CriticalAck: TimeSpan.FromSeconds(15), UrgentAck: TimeSpan.FromSeconds(45), RepeatEvery: repeat,
            new CheckBounds(repeat, EscalationSlack: TimeSpan.FromSeconds(1), DatabaseGrace: TimeSpan.FromSeconds(5),
                SiloGrace: TimeSpan.FromSeconds(5), LongestWait: TimeSpan.FromSeconds(10),
                Promptly: TimeSpan.FromSeconds(1), Convergence: TimeSpan.FromSeconds(5)));
    }
}
