using Coordination.Contracts.Common;

namespace Coordination.Grains.Feeds;

/// <summary>How long an agency has to acknowledge an item, by urgency, and how often to re-escalate.</summary>
public sealed class AckOptions
{
    public const string Section = "Coordination:Ack";

    public TimeSpan Critical { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan Urgent { get; set; } = TimeSpan.FromHours(2);
    public TimeSpan Routine { get; set; } = TimeSpan.FromDays(1);

    /// <summary>While still unacknowledged after escalating, escalate again this often.</summary>
    public TimeSpan RepeatEvery { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How often each silo checks the database for deadlines that passed without their timer firing
    /// (the periodic part of <see cref="DeadlineSweeper"/>); bounds how late an escalation can be.
    /// </summary>
    public TimeSpan SweepEvery { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How far past due an item must be before the sweep, rather than its feed's own timer, escalates it.</summary>
    public TimeSpan SweepGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After a feed failed to check its deadlines (database or reminder table unreachable), it tries
    /// again after this long, doubling each time up to <see cref="FailedCheckRetryMax"/>, until it succeeds.
    /// </summary>
    public TimeSpan FailedCheckRetry { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts of a failing deadline check.</summary>
    public TimeSpan FailedCheckRetryMax { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan DeadlineFor(Urgency urgency) => urgency switch
    {
        Urgency.Critical => Critical,
        Urgency.Urgent => Urgent,
        _ => Routine,
    };
}
