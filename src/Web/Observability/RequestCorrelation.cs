using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing.Patterns;
using Serilog;
using Serilog.Context;

namespace Coordination.Web.Observability;

/// <summary>
/// Gives every request a correlation id — the caller's <c>X-Correlation-Id</c> when it is a plain
/// token, else the trace id — returned in the response and carried by every log event of the
/// request, and, for requests about one case, the case id (pseudonymous, never the person).
/// </summary>
internal sealed partial class RequestCorrelation(RequestDelegate next, IDiagnosticContext diagnostics)
{
    public const string Header = "X-Correlation-Id";
    // The id parameter carries a constraint ({id:caseId}), so the pattern is matched up to its name.
    private const string CaseRoutePrefix = "/api/cases/{id";

    public async Task InvokeAsync(HttpContext http)
    {
        var correlationId = FromCaller(http.Request.Headers[Header].ToString())
            ?? Activity.Current?.TraceId.ToHexString()
            ?? http.TraceIdentifier;
        // On starting, because an exception handler clears the headers set before it ran.
        http.Response.OnStarting(() =>
        {
            http.Response.Headers[Header] = correlationId;
            return Task.CompletedTask;
        });
        diagnostics.Set("CorrelationId", correlationId);
        Activity.Current?.SetTag("coordination.correlation_id", correlationId);

        var caseId = CaseOf(http);
        if (caseId is not null)
        {
            diagnostics.Set("CaseId", caseId);
            Activity.Current?.SetTag("coordination.case_id", caseId);
        }

        using (LogContext.PushProperty("CorrelationId", correlationId))
        using (caseId is null ? null : LogContext.PushProperty("CaseId", caseId))
        {
            await next(http);
        }

        // A flag learns its case id only when the case exists: take it from the Location header.
        if (caseId is null && CaseLocation().Match(http.Response.Headers.Location.ToString()) is { Success: true } created)
        {
            diagnostics.Set("CaseId", created.Groups[1].Value);
        }
    }

    /// <summary>Only plain tokens are echoed into logs and headers, so a caller cannot forge log lines.</summary>
    private static string? FromCaller(string value) => PlainToken().IsMatch(value) ? value : null;

    private static string? CaseOf(HttpContext http) =>
        http.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route } &&
        route.StartsWith(CaseRoutePrefix, StringComparison.Ordinal)
            ? http.GetRouteValue("id") as string
            : null;

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,64}\z")]
    private static partial Regex PlainToken();

    [GeneratedRegex(@"^/api/cases/([A-Za-z0-9-]{1,64})\z")]
    private static partial Regex CaseLocation();
}
