using Coordination.Grains.Cases;
using Coordination.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Coordination.Tests.Journeys;

/// <summary>
/// A cluster of its own for the arrival watch, on a fake clock: the grace differs from the default, to
/// prove it comes from configuration, and the silo's own look for what is due is set to once in ten
/// years, so the tests wake the cases themselves at the instants they choose.
/// </summary>
public sealed class ArrivalClusterFixture() : InProcessClusterFixture(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero))
{
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(30);

    protected override string DatabasePurpose => "arrivals";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Coordination:Arrival:Grace"] = Grace.ToString(),
        ["Coordination:FollowUp:CheckEvery"] = TimeSpan.FromDays(3650).ToString(),
    };
}

[CollectionDefinition(Name)]
public sealed class ArrivalClusterCollection : ICollectionFixture<ArrivalClusterFixture>
{
    public const string Name = "Arrival cluster";
}
