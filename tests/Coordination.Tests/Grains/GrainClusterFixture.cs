using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Grains;

/// <summary>
/// The cluster of the grain tests (see <see cref="InProcessClusterFixture"/>), shared by every test of
/// <see cref="GrainClusterCollection"/>: tests move time for the grains with <see cref="InProcessClusterFixture.Clock"/>.
/// </summary>
public sealed class GrainClusterFixture() : InProcessClusterFixture(new DateTimeOffset(2026, 3, 2, 6, 0, 0, TimeSpan.Zero))
{
    /// <summary>Acknowledgement deadlines deliberately differ from the defaults, to prove they come from configuration.</summary>
    public static readonly TimeSpan CriticalAck = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan UrgentAck = TimeSpan.FromMinutes(40);
    public static readonly TimeSpan RoutineAck = TimeSpan.FromHours(6);
    public static readonly TimeSpan RepeatEvery = TimeSpan.FromMinutes(7);

    protected override string DatabasePurpose => "grains";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Coordination:Ack:Critical"] = CriticalAck.ToString(),
        ["Coordination:Ack:Urgent"] = UrgentAck.ToString(),
        ["Coordination:Ack:Routine"] = RoutineAck.ToString(),
        ["Coordination:Ack:RepeatEvery"] = RepeatEvery.ToString(),
    };
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "Grain cluster";
}
