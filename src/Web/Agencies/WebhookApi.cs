using System.Security.Claims;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Agencies;

public sealed record WebhookRequest(string? Url, string? Secret);

/// <summary>
/// An agency's webhook for SMS and messenger gateways, with the same access as its escalation policy:
/// its coordinator or an administrator writes, its users and an administrator read. The secret goes
/// in and never comes out: a read says only whether one is set.
/// </summary>
public static class WebhookApi
{
    public const int MaxUrlLength = 2000;
    public const int MinSecretLength = 16;
    public const int MaxSecretLength = 200;

    public static WebApplication MapWebhookApi(this WebApplication app)
    {
        var group = app.MapGroup("/api/agencies/{id}/webhook").WithTags("Webhooks").RequireAuthorization();
        group.MapPut("/", Replace).RequireAuthorization(p => p.RequireRole(Roles.AgencyCoordinator, Roles.Admin));
        group.MapGet("/", Get);
        return app;
    }

    private static async Task<Results<Ok<AgencyWebhookView>, ValidationProblem, ProblemHttpResult>> Replace(
        string id, WebhookRequest request, HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (EscalationApi.Readable(http, id) is { } refused)
        {
            return refused;
        }

        var errors = new RequestErrors();
        var url = errors.Text("url", request.Url, MaxUrlLength, required: false);
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "https" or "http" && parsed.UserInfo.Length == 0))
        {
            errors.Add("url", "An http(s) address without a user name or password in it, e.g. https://sms-gateway.example.org/coordination.");
        }

        var secret = request.Secret;
        if (url is not null && (secret is null || secret.Length < MinSecretLength || secret.Length > MaxSecretLength || secret.Any(char.IsControl)))
        {
            errors.Add("secret", $"The shared secret the gateway checks signatures with: {MinSecretLength} to {MaxSecretLength} characters.");
        }
        else if (url is null && secret is not null)
        {
            errors.Add("secret", "No secret without an address: send url null alone to remove the webhook.");
        }

        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var actor = http.User.ToActor(http) ?? new Actor(
            http.User.FindFirstValue(CoordinationClaims.Username) ?? string.Empty, string.Empty, http.Connection.RemoteIpAddress?.ToString());
        return await cluster.GetGrain<IAgencyWebhookGrain>(id).Replace(url, secret, actor).WaitAsync(cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : NotFound(id);
    }

    private static async Task<Results<Ok<AgencyWebhookView>, ProblemHttpResult>> Get(
        string id, HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (EscalationApi.Readable(http, id) is { } refused)
        {
            return refused;
        }

        return await cluster.GetGrain<IAgencyWebhookGrain>(id).Get().WaitAsync(cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : NotFound(id);
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "Not found", detail: $"Your agency has no webhook for agency '{id}'.", statusCode: StatusCodes.Status404NotFound);
}
