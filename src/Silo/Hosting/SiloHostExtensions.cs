using System.Net;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Cases;
using Coordination.Grains.Feeds;
using Coordination.Grains.Hosting;
using Coordination.Silo.Database;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Serilog;

namespace Coordination.Silo.Hosting;

public static class SiloHostExtensions
{
    public const string ConnectionStringName = "Coordination";
    private const string Invariant = "Npgsql";

    public static WebApplicationBuilder AddCoordinationSilo(this WebApplicationBuilder builder)
    {
        builder.Host.UseSerilog((context, logger) => logger
            .ReadFrom.Configuration(context.Configuration)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Service", "silo")
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}"));

        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set (environment variable ConnectionStrings__{ConnectionStringName}).");
        }

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
                o.ConnectionString = connectionString;
            });
            silo.AddAdoNetGrainStorage("coordination", o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            silo.AddStartupTask((services, cancellationToken) => services.GetRequiredService<EscalationCatchUp>().Execute(cancellationToken));
            silo.AddIncomingGrainCallFilter<DatabaseUnavailableFilter>();
        });

        builder.Services.AddSingleton<EscalationCatchUp>();
        builder.Services.AddHostedService<DeadSiloCatchUp>();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapCoordinationHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        return app;
    }

    /// <summary>Applies migrations before the silo joins the cluster, waiting for PostgreSQL to come up.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<SiloHostOptions>>().Value;
        var connectionString = app.Configuration.GetConnectionString(ConnectionStringName)!;
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

internal sealed class DatabaseHealthCheck(NpgsqlDataSource db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = db.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not reachable.", ex);
        }
    }
}

internal sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IDashboardRelayGrain>(0).Ping().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The Orleans cluster does not answer.", ex);
        }
    }
}
