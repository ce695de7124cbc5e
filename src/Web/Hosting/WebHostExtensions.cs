using System.Text.Json.Serialization;
using Coordination.Contracts.Common;
using Coordination.ServiceDefaults;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Coordination.Web.Observability;
using Coordination.Web.RateLimits;
using Orleans.Configuration;
using Serilog;
using Serilog.Events;

namespace Coordination.Web.Hosting;

public static class WebHostExtensions
{
    public static WebApplicationBuilder AddCoordinationWeb(this WebApplicationBuilder builder)
    {
        var connectionString = builder.AddServiceDefaults("web");
        builder.AddWebObservability();

        builder.Services.AddOptions<WebHostOptions>().Bind(builder.Configuration.GetSection(WebHostOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RequestLimitOptions>().Bind(builder.Configuration.GetSection(RequestLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var orleans = builder.Configuration.GetSection(WebHostOptions.Section).Get<WebHostOptions>() ?? new WebHostOptions();
        var limits = builder.Configuration.GetSection(RequestLimitOptions.Section).Get<RequestLimitOptions>() ?? new RequestLimitOptions();

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RequestBudget>();

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
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = orleans.ResponseTimeout);
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = orleans.GatewayListRefreshPeriod);
            client.AddActivityPropagation();
            client.AddOutgoingGrainCallFilter<RequestBudget>();
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
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = Texts.ProblemTexts.Apply);
        builder.Services.AddExceptionHandler<ProblemHandling>();
        builder.Services.AddSignalR().AddJsonProtocol(o => CoordinationJson.Configure(o.PayloadSerializerOptions));
        builder.Services.AddOpenApi(o => o.AddSchemaTransformer((schema, context, _) =>
        {
            // The strict enum converter is not one the schema exporter knows: describe what it reads.
            var type = context.JsonTypeInfo.Type;
            if ((Nullable.GetUnderlyingType(type) ?? type) is { IsEnum: true } enumType)
            {
                schema.Type = enumType == type ? Microsoft.OpenApi.JsonSchemaType.String : Microsoft.OpenApi.JsonSchemaType.String | Microsoft.OpenApi.JsonSchemaType.Null;
                schema.Enum = [.. StrictEnum.NamesOf(enumType).Select(n => (System.Text.Json.Nodes.JsonNode)n)];
            }

            return Task.CompletedTask;
        }));
        builder.AddHttpSecurity();
        builder.Services.AddApiRateLimits(builder.Configuration);
        return builder;
    }

    public static WebApplication UseCoordinationWeb(this WebApplication app)
    {
        // Outermost, so it logs the status the exception handler finally sent (a 4xx), not the exception passing through.
        app.UseSerilogRequestLogging(o => o.GetLevel = RequestLogLevel);
        // Next, so the exception handler's own log events carry the correlation and case ids too.
        app.UseRequestCorrelation();
        app.UseHttpSecurity();
        app.UseExceptionHandler();
        // Inside the exception handler, so a request cut short by its budget is answered 503 like any timeout.
        RequestBudget.UseRequestBudget(app);
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles(ServiceWorkerFile.StaticFiles);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseSecondFactorEnrolmentGate();
        app.UseRateLimiter();
        app.UseDashboardConnectionCaps();
        app.MapOpenApi();
        app.MapServiceDefaults();
        return app;
    }

    /// <summary>
    /// A 503 is the expected answer while the database or a silo is away (the problem handler has
    /// logged why): a warning, not an error. Any other 5xx is an error.
    /// </summary>
    private static LogEventLevel RequestLogLevel(HttpContext http, double elapsedMilliseconds, Exception? exception) =>
        http.Response.StatusCode switch
        {
            StatusCodes.Status503ServiceUnavailable when exception is null => LogEventLevel.Warning,
            >= 500 => LogEventLevel.Error,
            _ when exception is not null => LogEventLevel.Error,
            _ => LogEventLevel.Information,
        };

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
