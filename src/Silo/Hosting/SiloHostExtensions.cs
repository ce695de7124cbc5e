using System.Net;
using Coordination.Grains.Cases;
using Coordination.Grains.Feeds;
using Coordination.Grains.Hosting;
using Coordination.ServiceDefaults;
using Coordination.Silo.Database;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace Coordination.Silo.Hosting;

public static class SiloHostExtensions
{
    private const string Invariant = "Npgsql";

    public static WebApplicationBuilder AddCoordinationSilo(this WebApplicationBuilder builder)
    {
        var connectionString = builder.AddServiceDefaults("silo");

        builder.Services.AddOptions<SiloHostOptions>()
            .Bind(builder.Configuration.GetSection(SiloHostOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => IPAddress.TryParse(o.AdvertisedAddress, out _), "Orleans:AdvertisedAddress must be an IP address.")
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(SiloHostOptions.Section).Get<SiloHostOptions>() ?? new SiloHostOptions();

        // Passport numbers and phones are encrypted with keys kept outside the database: by default
        // under the content root's .local (git-ignored); run and test scripts set the directory.
        var keyDirectory = $"{PersonalDataOptions.Section}:{nameof(PersonalDataOptions.KeyDirectory)}";
        if (string.IsNullOrWhiteSpace(builder.Configuration[keyDirectory]))
        {
            builder.Configuration[keyDirectory] = Path.Combine(builder.Environment.ContentRootPath, ".local", "data-protection-keys");
        }

        builder.Services.AddCoordinationGrains(builder.Configuration, connectionString);
        var providerConnectionString = CoordinationDatabase.FailFast(connectionString);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Parse(options.AdvertisedAddress), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = providerConnectionString;
            });
            silo.AddAdoNetGrainStorage("coordination", o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = providerConnectionString;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = providerConnectionString;
            });
            silo.AddStartupTask((services, cancellationToken) => services.GetRequiredService<EscalationCatchUp>().Execute(cancellationToken));
            silo.AddIncomingGrainCallFilter<DatabaseUnavailableFilter>();
        });

        builder.Services.AddSingleton<EscalationCatchUp>();
        builder.Services.AddHostedService<DeadSiloCatchUp>();
        return builder;
    }

    /// <summary>Applies migrations before the silo joins the cluster, waiting for PostgreSQL to come up.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value;
        var connectionString = app.Configuration.GetConnectionString(ServiceDefaultsExtensions.ConnectionStringName)!;
        var deadline = DateTime.UtcNow + options.DatabaseStartupTimeout;
        while (true)
        {
            try
            {
                var applied = await DatabaseMigrator.MigrateAsync(connectionString, app.Lifetime.ApplicationStopping);
                app.Logger.LogInformation("Database schema up to date; {Count} migrations applied now: {Migrations}", applied.Count, applied);
                return;
            }
            catch (NpgsqlException ex) when (DateTime.UtcNow < deadline && ex.IsTransient)
            {
                app.Logger.LogWarning("PostgreSQL not reachable yet ({Message}); retrying", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), app.Lifetime.ApplicationStopping);
            }
        }
    }
}
