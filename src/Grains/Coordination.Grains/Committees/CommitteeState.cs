using Coordination.Contracts.Committees;
using Coordination.Contracts.Feeds;

namespace Coordination.Grains.Committees;

/// <summary>The persisted state of one committee (grain storage "coordination", state name "committee").</summary>
[GenerateSerializer, Alias("Coordination.CommitteeState")]
public sealed class CommitteeState
{
    [Id(0)] public List<string> MemberAgencies { get; set; } = [];

    [Id(1)] public List<PlanTaskState> Tasks { get; set; } = [];

    [Id(2)] public int LastTaskNumber { get; set; }

    [Id(3)] public List<Meeting> Meetings { get; set; } = [];

    /// <summary>
    /// Feed items decided but not yet known to be in the recipients' feeds. Written together with the
    /// change that caused them, removed once appended; re-sent after a failure or on activation.
    /// Their dedupe keys make a re-send harmless.
    /// </summary>
    [Id(4)] public List<NewFeedItem> Outbox { get; set; } = [];

    /// <summary>Recent Idempotency-Keys and what their command created, newest last.</summary>
    [Id(5)] public List<CommandRecord> Commands { get; set; } = [];

    /// <summary>Open feed items to settle, delivered with <see cref="Outbox"/> (settling twice is harmless).</summary>
    [Id(6)] public List<FeedSettlement> Settlements { get; set; } = [];
}

[GenerateSerializer, Alias("Coordination.PlanTaskState")]
public sealed class PlanTaskState
{
    [Id(0)] public string Id { get; set; } = string.Empty;

    [Id(1)] public string Title { get; set; } = string.Empty;

    [Id(2)] public ActionPlanArea Area { get; set; }

    [Id(3)] public string OwnerAgencyId { get; set; } = string.Empty;

    /// <summary>The owner agency's IANA time zone: its working day decides when overdue alerts go out.</summary>
    [Id(4)] public string OwnerTimeZone { get; set; } = "UTC";

    [Id(5)] public DateOnly DueDate { get; set; }

    [Id(6)] public ActionPlanTaskStatus Status { get; set; }

    [Id(7)] public Indicator? Indicator { get; set; }

    [Id(8)] public decimal? IndicatorValue { get; set; }

    [Id(9)] public DateTimeOffset CreatedAt { get; set; }

    [Id(10)] public DateTimeOffset UpdatedAt { get; set; }

    [Id(11)] public string? MeetingId { get; set; }

    [Id(12)] public List<TaskChange> History { get; set; } = [];

    /// <summary>When the next TaskOverdue falls due; null while the task is done.</summary>
    [Id(13)] public DateTimeOffset? NextOverdueAt { get; set; }

    /// <summary>The owner's local working day of the last TaskOverdue raised.</summary>
    [Id(14)] public DateOnly? LastOverdueDate { get; set; }
}

[GenerateSerializer, Immutable, Alias("Coordination.CommandRecord")]
public sealed record CommandRecord(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] string Key,
    [property: Id(2)] string Hash,
    [property: Id(3)] IReadOnlyList<string> TaskIds,
    [property: Id(4)] string? MeetingId);
