using System.Globalization;
using System.Net;
using System.Reflection;
using Coordination.Contracts.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Formatting.Compact;

namespace Coordination.ServiceDefaults;

public static class ObservabilityExtensions
{
    /// <summary>The path Prometheus scrapes on every host.</summary>
    public const string MetricsPath = "/metrics";

    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    // Orleans' own instruments and spans, the runtime's and the database driver's (all built in,
    // no extra packages): what an operator needs beside the product's metrics.
    private static readonly string[] Meters = [Telemetry.MeterName, "Microsoft.Orleans", "System.Runtime", "Npgsql"];
    private static readonly string[] ActivitySources = ["Microsoft.Orleans.Application", "Npgsql"];

    /// <summary>
    /// Serilog (text or JSON, enriched with the trace, the log context and the service), metrics for
    /// Prometheus and traces (exported by OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set), and a readable
    /// one-event exit when start-up fails. Called first by AddServiceDefaults, so that a failure
    /// anywhere after it is reported.
    /// </summary>
    /// <param name="service">The role of this process: <c>silo</c> or <c>web</c>.</param>
    public static WebApplicationBuilder AddCoordinationObservability(this WebApplicationBuilder builder, string service)
    {
        var section = builder.Configuration.GetSection(ObservabilityOptions.Section);
        var format = ReadLogFormat(section);
        // Until the host is built, this logger writes what start-up reports; the host's own logger
        // (configured below) then replaces it, so even a failure in the builder is logged the same way.
        Log.Logger = Console(new LoggerConfiguration(), format).Enrich.WithProperty("Service", service).CreateBootstrapLogger();
        StartupFailure.ReportUnhandledExceptions(service);

        builder.Services.AddOptions<ObservabilityOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSerilog((services, logger) => Console(logger
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Service", service)
                .Enrich.WithProperty("Host", Environment.MachineName), format));

        var version = typeof(ObservabilityExtensions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService($"coordination-{service}", serviceVersion: version, serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics => metrics
                .AddMeter(Meters)
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(ActivitySources)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsOperational(http.Request.Path)));
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// Serves the Prometheus text exposition at <see cref="MetricsPath"/>: on the metrics port only
    /// when one is configured, otherwise to local scrapers only. The metrics name the database's
    /// host and user, every agency id and its online dashboards: never for the public listener.
    /// </summary>
    public static WebApplication UseCoordinationMetrics(this WebApplication app)
    {
        var port = app.Services.GetRequiredService<IOptions<ObservabilityOptions>>().Value.MetricsPort;
        app.UseOpenTelemetryPrometheusScrapingEndpoint(http =>
            http.Request.Path == MetricsPath && (port is { } metricsPort ? http.Connection.LocalPort == metricsPort : IsLocalScrape(http)));
        return app;
    }

    /// <summary>
    /// A client on this machine that no proxy forwarded: a reverse proxy on the same machine
    /// connects from loopback too, but says on whose behalf.
    /// </summary>
    private static bool IsLocalScrape(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
        && !http.Request.Headers.ContainsKey("X-Forwarded-For") && !http.Request.Headers.ContainsKey("Forwarded");

    /// <summary>Health probes and scrapes: frequent, uninteresting, kept out of traces.</summary>
    private static bool IsOperational(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments(MetricsPath);

    private static LoggerConfiguration Console(LoggerConfiguration logger, LogFormat format) =>
        format == LogFormat.Json
            ? logger.WriteTo.Console(new RenderedCompactJsonFormatter())
            : logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: CultureInfo.InvariantCulture);

    /// <summary>
    /// The format is needed before the options are validated (the bootstrap logger writes the
    /// validation errors themselves), so a bad value falls back to text here and is reported by
    /// the validation.
    /// </summary>
    private static LogFormat ReadLogFormat(IConfigurationSection section) =>
        Enum.TryParse<LogFormat>(section[nameof(ObservabilityOptions.LogFormat)], ignoreCase: true, out var format) ? format : LogFormat.Text;
}
