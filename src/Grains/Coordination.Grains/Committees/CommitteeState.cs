using System.Text.Json.Serialization;
using Coordination.Contracts.Committees;
using Coordination.Contracts.Feeds;

namespace Coordination.Grains.Committees;

/// <summary>
/// The plan of one committee: the JSON of its row in <c>committees</c> (<see cref="CommitteeStore"/>).
/// Before migration 0011 it was Orleans grain state (provider "coordination", state name "committee"),
/// which <see cref="LegacyCommitteeImport"/> still reads once: the type keeps its name, alias and
/// field ids for that, and the three properties only that state had.
/// </summary>
[GenerateSerializer, Alias("Coordination.CommitteeState")]
public sealed class CommitteeState
{
    [Id(0)] public List<string> MemberAgencies { get; set; } = [];

    [Id(1)] public List<PlanTaskState> Tasks { get; set; } = [];

    [Id(2)] public int LastTaskNumber { get; set; }

    [Id(3)] public List<Meeting> Meetings { get; set; } = [];

    /// <summary>Before 0011 only: feed items stored with the plan and not yet known to be in the feeds.</summary>
    [Id(4), JsonIgnore] public List<NewFeedItem> Outbox { get; set; } = [];

    /// <summary>Before 0011 only: recent Idempotency-Keys and what their command created, newest last.</summary>
    [Id(5), JsonIgnore] public List<CommandRecord> Commands { get; set; } = [];

    /// <summary>Before 0011 only: open feed items to settle, delivered with <see cref="Outbox"/>.</summary>
    [Id(6), JsonIgnore] public List<FeedSettlement> Settlements { get; set; } = [];
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

/// <summary>Before 0011 only: a command's Idempotency-Key and what it created, as the plan's grain state kept it.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.CommandRecord")]
public sealed record CommandRecord(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] string Key,
    [property: Id(2)] string Hash,
    [property: Id(3)] IReadOnlyList<string> TaskIds,
    [property: Id(4)] string? MeetingId);
