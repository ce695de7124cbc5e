using Coordination.Contracts.Feeds;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Serialization;

namespace Coordination.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    public const string ConnectionStringName = "Coordination";

    /// <summary>
    /// Structured logging, metrics and traces, the PostgreSQL data source and the readiness checks
    /// (database and cluster) every host needs. Returns the connection string, which is required.
    /// </summary>
    public static string AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        // First, so that any failure after it — a missing connection string included — is reported readably.
        builder.AddCoordinationObservability(serviceName);

        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set (environment variable ConnectionStrings__{ConnectionStringName}).");
        }

        builder.Services.TryAddSingleton(_ => CoordinationDatabase.CreateDataSource(connectionString));
        // Orleans' placement times out through Polly, and the timeout exception it wraps must cross to
        // the caller as what it is (a timeout: 503), not as a codec failure (500). Npgsql's types stay
        // out on purpose: the silos translate them (DatabaseFailures).
        builder.Services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Polly"));
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
        return connectionString;
    }

    /// <summary>/health/live (the process answers), /health/ready (database and cluster reachable) and /metrics.</summary>
    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseCoordinationMetrics();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        return app;
    }
}

public static class CoordinationDatabase
{
    /// <summary>
    /// When PostgreSQL is down or stuck, a command should fail within seconds (a 503 the caller can
    /// retry) rather than hold a consul's request for Npgsql's defaults of 15 s to connect and 30 s
    /// to run. Shorter values in the connection string are kept.
    /// <para>
    /// The hosts run the same few statements thousands of times a minute on pooled connections that
    /// never change session state (no SET, temporary tables or LISTEN). So a connection keeps its
    /// prepared statements when it goes back to the pool (no DISCARD ALL on every return), and Npgsql
    /// prepares the frequent statements: PostgreSQL parses and plans them once per connection instead
    /// of on every flag (docs/performance.md). Values set in the connection string are kept.
    /// </para>
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(FailFast(connectionString)) { NoResetOnClose = true };
        if (settings.MaxAutoPrepare == 0)
        {
            settings.MaxAutoPrepare = 64;
        }

        return new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
    }

    /// <summary>The same time limits as a connection string, for Orleans' ADO.NET providers.</summary>
    public static string FailFast(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        settings.Timeout = Math.Min(settings.Timeout, 5);
        settings.CommandTimeout = Math.Min(settings.CommandTimeout, 10);
        return settings.ConnectionString;
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
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IClusterPingGrain>(0).Ping().WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The Orleans cluster does not answer.", ex);
        }
    }
}
