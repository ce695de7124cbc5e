using System.Text.Json.Serialization;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Web.Errors;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Serilog;

namespace Coordination.Web.Hosting;

public static class WebHostExtensions
{
    public const string ConnectionStringName = "Coordination";

    public static WebApplicationBuilder AddCoordinationWeb(this WebApplicationBuilder builder)
    {
        builder.Host.UseSerilog((context, logger) => logger
            .ReadFrom.Configuration(context.Configuration)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Service", "web")
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}"));

        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set (environment variable ConnectionStrings__{ConnectionStringName}).");
        }

        builder.Services.AddOptions<WebHostOptions>().Bind(builder.Configuration.GetSection(WebHostOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RequestLimitOptions>().Bind(builder.Configuration.GetSection(RequestLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var orleans = builder.Configuration.GetSection(WebHostOptions.Section).Get<WebHostOptions>() ?? new WebHostOptions();
        var limits = builder.Configuration.GetSection(RequestLimitOptions.Section).Get<RequestLimitOptions>() ?? new RequestLimitOptions();

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(_ =>
        {
            // Fail within seconds when PostgreSQL is down or stuck (a retryable 503), as the silo does.
            var source = new NpgsqlDataSourceBuilder(connectionString);
            source.ConnectionStringBuilder.Timeout = Math.Min(source.ConnectionStringBuilder.Timeout, 5);
            source.ConnectionStringBuilder.CommandTimeout = Math.Min(source.ConnectionStringBuilder.CommandTimeout, 10);
            return source.Build();
        });

        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = orleans.ClusterId;
                o.ServiceId = orleans.ServiceId;
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            client.UseConnectionRetryFilter(new ConnectRetry(orleans.ConnectTimeout).ShouldRetry);
        });

        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            CoordinationJson.Configure(o.SerializerOptions);
            // Strict input: a misspelt field is an error, not silently ignored; a field sent twice is an
            // error too, so what a proxy or log reads is what the API acts on.
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.AllowDuplicateProperties = false;
        });
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemHandling>();
        builder.Services.AddSignalR().AddJsonProtocol(o => CoordinationJson.Configure(o.PayloadSerializerOptions));
        builder.Services.AddOpenApi();
        builder.AddHttpSecurity();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);
        return builder;
    }

    public static WebApplication UseCoordinationWeb(this WebApplication app)
    {
        app.UseHttpSecurity();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSerilogRequestLogging();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapOpenApi();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        return app;
    }

    /// <summary>Start-up keeps retrying until a silo gateway answers or the timeout passes.</summary>
    private sealed class ConnectRetry(TimeSpan timeout)
    {
        private readonly DateTime _deadline = DateTime.UtcNow + timeout;

        public async Task<bool> ShouldRetry(Exception exception, CancellationToken cancellationToken)
        {
            if (DateTime.UtcNow > _deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
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

internal sealed class ClusterHealthCheck(IClusterClient cluster) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await cluster.GetGrain<IDashboardRelayGrain>(0).Ping().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("No silo answers.", ex);
        }
    }
}
