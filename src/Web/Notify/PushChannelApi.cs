using System.Text.RegularExpressions;
using Coordination.Contracts.Notify;
using Coordination.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Notify;

public sealed record PushKeys(string? P256dh, string? Auth);

/// <summary>A browser's <c>PushSubscription.toJSON()</c>: <c>{endpoint, expirationTime, keys: {p256dh, auth}}</c>.</summary>
public sealed record PushSubscriptionRequest(string? Endpoint, PushKeys? Keys);

/// <summary>The user's own browsers subscribed to Web Push (when the server has VAPID keys): add one, remove one.</summary>
public static partial class PushChannelApi
{
    /// <summary>Push services' endpoints are far shorter; this bounds what is stored.</summary>
    public const int MaxEndpointLength = 2048;

    public static WebApplication MapPushChannelApi(this WebApplication app)
    {
        var group = app.MapGroup("/api/me/channels/push").WithTags("Channels").RequireAuthorization();
        group.MapPut("/", Subscribe);
        group.MapDelete("/", Unsubscribe);
        return app;
    }

    private static async Task<Results<Ok<MyChannels>, ValidationProblem>> Subscribe(
        PushSubscriptionRequest request, HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var endpoint = Endpoint(errors, request.Endpoint);
        var p256dh = errors.Pattern("keys.p256dh", request.Keys?.P256dh, PublicKey(), "The browser's P-256 public key, base64url (87 characters).");
        var auth = errors.Pattern("keys.auth", request.Keys?.Auth, AuthSecret(), "The browser's authentication secret, base64url (22 characters).");
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (await ChannelApi.Own(http, cluster).SetPush(new PushEndpoint(endpoint!, p256dh!, auth!)).WaitAsync(cancellationToken) is { } channels)
        {
            return TypedResults.Ok(channels);
        }

        errors.Add("endpoint", "This server does not take push subscriptions (Web Push is not configured), or the endpoint is not https.");
        return TypedResults.ValidationProblem(errors.ToDictionary());
    }

    private static async Task<Results<Ok<MyChannels>, ValidationProblem>> Unsubscribe(
        string? endpoint, HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var valid = Endpoint(errors, endpoint);
        return errors.Any
            ? TypedResults.ValidationProblem(errors.ToDictionary())
            : TypedResults.Ok(await ChannelApi.Own(http, cluster).RemovePush(valid!).WaitAsync(cancellationToken));
    }

    private static string? Endpoint(RequestErrors errors, string? value)
    {
        var endpoint = errors.Text("endpoint", value, MaxEndpointLength);
        if (endpoint is not null && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var url) && url.Scheme is "https" or "http"))
        {
            errors.Add("endpoint", "The push service's address from the browser's subscription, e.g. https://push.example.org/….");
            return null;
        }

        return endpoint;
    }

    /// <summary>65 bytes (an uncompressed P-256 point), base64url without padding.</summary>
    [GeneratedRegex(@"^B[A-Za-z0-9_-]{86}\z")]
    private static partial Regex PublicKey();

    /// <summary>16 bytes, base64url without padding.</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_-]{22}\z")]
    private static partial Regex AuthSecret();
}
