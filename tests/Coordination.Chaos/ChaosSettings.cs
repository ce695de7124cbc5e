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
    /// <summary>
    /// How long after it falls due a notification level must have gone out: a walker dead with its claim
    /// is replaced after the claim's lease, the level handed out again after another, on a silo Orleans
    /// first declares dead — plus the escalation slack for a starved machine.
    /// </summary>
    public TimeSpan NotificationSlack => (2 * ChaosNotifications.ClaimLease) + Bounds.SiloGrace + TimeSpan.FromSeconds(15) + Bounds.EscalationSlack;

    /// <param name="smoke">
    /// The short run inside deploy/test.sh, which asserts behaviour, not timing (the project's rule
    /// for tests on shared machines): its time bounds are wide enough for a starved CPU and still
    /// catch a request hung for Orleans' 30 s, a push never repeated, an escalation left to the sweep.
    /// </param>
    public static ChaosSettings For(TimeSpan duration, int seed, bool smoke)
    {
        var repeat = TimeSpan.FromMinutes(1);
        return new ChaosSettings(duration, seed, Quiet: TimeSpan.FromSeconds(15), Workers: 4, Pause: TimeSpan.FromMilliseconds(300),
            CriticalAck: TimeSpan.FromSeconds(15), UrgentAck: TimeSpan.FromSeconds(45), RepeatEvery: repeat,
            new CheckBounds(repeat, EscalationSlack: TimeSpan.FromSeconds(smoke ? 10 : 1), DatabaseGrace: TimeSpan.FromSeconds(5),
                SiloGrace: TimeSpan.FromSeconds(5), LongestWait: TimeSpan.FromSeconds(smoke ? 20 : 10),
                Promptly: TimeSpan.FromSeconds(1), Convergence: TimeSpan.FromSeconds(smoke ? 15 : 5)));
    }
}
