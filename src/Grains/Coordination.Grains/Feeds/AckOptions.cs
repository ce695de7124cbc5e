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

    public TimeSpan DeadlineFor(Urgency urgency) => urgency switch
    {
        Urgency.Critical => Critical,
        Urgency.Urgent => Urgent,
        _ => Routine,
    };
}
