using Coordination.Grains.Hosting;
using Coordination.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Coordination.Tests.Grains;

/// <summary>
/// One in-process Orleans cluster (one silo, in-memory membership and reminders) over a fresh,
/// fully migrated PostgreSQL database, shared by every test of <see cref="GrainClusterCollection"/>.
/// The domain clock is a <see cref="FakeTimeProvider"/>: the silo runs in this process, so tests
/// move time for the grains with <see cref="Clock"/>. Orleans' own clock (timers, reminders) stays real.
/// </summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    /// <summary>Acknowledgement deadlines deliberately differ from the defaults, to prove they come from configuration.</summary>
    public static readonly TimeSpan CriticalAck = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan UrgentAck = TimeSpan.FromMinutes(40);
    public static readonly TimeSpan RoutineAck = TimeSpan.FromHours(6);
    public static readonly TimeSpan RepeatEvery = TimeSpan.FromMinutes(7);

    private InProcessTestCluster? _cluster;

    /// <summary>The grains' clock. Only moves when a test advances it.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 6, 0, 0, TimeSpan.Zero));

    public string ConnectionString { get; private set; } = string.Empty;

    public IClusterClient Client => _cluster?.Client ?? throw new InvalidOperationException("The cluster is not deployed.");

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateMigratedAsync("grains");

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Coordination:Ack:Critical"] = CriticalAck.ToString(),
                ["Coordination:Ack:Urgent"] = UrgentAck.ToString(),
                ["Coordination:Ack:Routine"] = RoutineAck.ToString(),
                ["Coordination:Ack:RepeatEvery"] = RepeatEvery.ToString(),
                ["Coordination:DataProtection:KeyDirectory"] = Path.Combine(Path.GetTempPath(), $"coordination-grain-keys-{Guid.NewGuid():N}"),
            });

            // Registered before AddCoordinationGrains, whose TryAdd then keeps this one.
            host.Services.AddKeyedSingleton<TimeProvider>(CoordinationGrainsExtensions.ClockKey, Clock);
            host.Services.AddCoordinationGrains(host.Configuration, ConnectionString);
        });
        builder.ConfigureSilo((_, silo) => silo.UseInMemoryReminderService());

        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "Grain cluster";
}
