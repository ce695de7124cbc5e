using Coordination.Grains.Cases;
using Coordination.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Coordination.Tests.FollowUps;

/// <summary>
/// A cluster of its own for the after-arrival stories: they move the fake clock by months and read a
/// country's statistics to the unit, so no other test's cases may share their database. Every count
/// is published (minimum cell 1), and Routine items are acknowledged within a day, the default. The
/// silo's own look for follow-ups due runs on the fake clock too, so it is set to once in ten years:
/// the tests wake the cases themselves, at the instants they choose.
/// </summary>
public sealed class FollowUpClusterFixture() : InProcessClusterFixture(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero))
{
    public static readonly TimeSpan RoutineAck = TimeSpan.FromDays(1);

    protected override string DatabasePurpose => "followups";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Coordination:Statistics:MinCell"] = "1",
        ["Coordination:Ack:Routine"] = RoutineAck.ToString(),
        ["Coordination:FollowUp:CheckEvery"] = TimeSpan.FromDays(3650).ToString(),
    };
}

[CollectionDefinition(Name)]
public sealed class FollowUpClusterCollection : ICollectionFixture<FollowUpClusterFixture>
{
    public const string Name = "Follow-up cluster";
}
