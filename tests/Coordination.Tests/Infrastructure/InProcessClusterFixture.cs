using Coordination.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Coordination.Tests.Infrastructure;

/// <summary>
/// One in-process Orleans silo running the real grains over a fresh, fully migrated PostgreSQL
/// database, with the domain clock a <see cref="FakeTimeProvider"/> that only moves when a test
/// moves it. Orleans' own clock (timers, reminders) stays real. Subclasses name the database and
/// add their settings, services and silo configuration.
/// </summary>
public abstract class InProcessClusterFixture(DateTimeOffset start) : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    /// <summary>The grains' clock.</summary>
    public FakeTimeProvider Clock { get; } = new(start);

    public string ConnectionString { get; private set; } = string.Empty;

    public IClusterClient Client => _cluster?.Client ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>The services of the cluster's silo, for what a test must reach below the grains (e.g. grain storage).</summary>
    public IServiceProvider SiloServices => _cluster?.Silos[0].ServiceProvider ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>The silo's case wake-ups, for tests that run them at the instants they choose (their own look set to once in ten years).</summary>
    public Coordination.Grains.Cases.CaseWakeUps WakeUps => SiloServices.GetRequiredService<Coordination.Grains.Cases.CaseWakeUps>();

    /// <summary>Moves the clock forward to <paramref name="instant"/>; tests only ever move it forwards.</summary>
    public void AdvanceTo(DateTimeOffset instant)
    {
        var delta = instant - Clock.GetUtcNow();
        Assert.True(delta >= TimeSpan.Zero, $"the clock is already past {instant:O}");
        Clock.Advance(delta);
    }

    protected abstract string DatabasePurpose { get; }

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Services registered before the grains', whose TryAdds then keep them.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    /// <summary>The connection string the grains use for <see cref="ConnectionString"/>'s database (e.g. through a proxy).</summary>
    protected virtual string GrainConnectionString(string connectionString) => connectionString;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateMigratedAsync(DatabasePurpose);
        var grainConnectionString = GrainConnectionString(ConnectionString);

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            var settings = new Dictionary<string, string?>(Settings)
            {
                ["Coordination:DataProtection:KeyDirectory"] = Path.Combine(Path.GetTempPath(), $"coordination-grain-keys-{Guid.NewGuid():N}"),
            };

            // Tests move the fake clock by hours and months: their referrals wait for an answer until a
            // test says otherwise, so that only the expiry tests see one expire.
            foreach (var urgency in new[] { "Critical", "Urgent", "Routine" })
            {
                settings.TryAdd($"Coordination:Referral:AnswerWithin:{urgency}", TimeSpan.FromDays(3650).ToString());
            }

            host.Configuration.AddInMemoryCollection(settings);
            host.Services.AddKeyedSingleton<TimeProvider>(CoordinationGrainsExtensions.ClockKey, Clock);
            ConfigureServices(host.Services);
            host.Services.AddCoordinationGrains(host.Configuration, grainConnectionString);
        });
        builder.ConfigureSilo((_, silo) => ConfigureSilo(silo.UseInMemoryReminderService()));

        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
    }
}
