using System.Net;
using Coordination.Grains.Cases;
using Coordination.Grains.Feeds;
using Coordination.Grains.Hosting;
using Coordination.ServiceDefaults;
using Coordination.Silo.Database;
using Coordination.Silo.Observability;
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
        builder.AddSiloObservability();

        builder.Services.AddOptions<SiloHostOptions>()
            .Bind(builder.Configuration.GetSection(SiloHostOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => IPAddress.TryParse(o.AdvertisedAddress, out _), AdvertisedAddressError)
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
            silo.ConfigureEndpoints(AdvertisedAddress(options), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: true);
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
            silo.Services.TranslateDatabaseFailuresOfGrainStorage("coordination", providerConnectionString);
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = providerConnectionString;
            });
            silo.AddSiloDiagnostics();
            silo.AddIncomingGrainCallFilter<DatabaseUnavailableFilter>();
        });

        return builder;
    }

    private const string AdvertisedAddressError =
        "Orleans:AdvertisedAddress must be the IP address other silos and clients reach this silo at (environment variable Orleans__AdvertisedAddress).";

    /// <summary>
    /// Needed while the host is being built, before options validation runs: a bad value must
    /// still be reported by its setting's name rather than as a bare parse error.
    /// </summary>
    private static IPAddress AdvertisedAddress(SiloHostOptions options) =>
        IPAddress.TryParse(options.AdvertisedAddress, out var address)
            ? address
            : throw new OptionsValidationException(SiloHostOptions.Section, typeof(SiloHostOptions), [AdvertisedAddressError]);

    /// <summary>The connection string of the role that owns the schema, when it is not the application's own.</summary>
    public const string MigrationsConnectionStringName = "CoordinationMigrations";

    /// <summary>
    /// Applies migrations before the silo joins the cluster, waiting for PostgreSQL to come up. They
    /// run as the schema's owner (<c>ConnectionStrings:CoordinationMigrations</c>) when one is given,
    /// so the application's own role needs no right to create or alter anything (docs/security.md).
    /// </summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value;
        // Unpooled, so the owner's connection closes once the schema is up to date.
        var connectionString = app.Configuration.GetConnectionString(MigrationsConnectionStringName) is { Length: > 0 } owner
            ? new NpgsqlConnectionStringBuilder(owner) { Pooling = false }.ConnectionString
            : app.Configuration.GetConnectionString(ServiceDefaultsExtensions.ConnectionStringName)!;
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
