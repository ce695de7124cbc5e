namespace Coordination.Silo.Observability;

public static class SiloObservabilityExtensions
{
    /// <summary>The silo's part of the product's metrics: the gauge of alerts waiting for acknowledgement.</summary>
    public static WebApplicationBuilder AddSiloObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<PendingAlertsMonitor>();
        return builder;
    }

    /// <summary>
    /// Grain calls continue the caller's trace (a request on a web host and the grain calls it causes
    /// share one trace id in every log), and a case grain's log events carry its <c>CaseId</c>.
    /// </summary>
    public static ISiloBuilder AddSiloDiagnostics(this ISiloBuilder silo) =>
        silo.AddActivityPropagation().AddIncomingGrainCallFilter<CaseLogContextFilter>();
}
