using System.Net;
using System.Text.Json;
using Coordination.Contracts.Common;
using Coordination.Contracts.Notify;
using Coordination.Grains.Hosting;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Grains.Notify;

/// <summary>The JSON a browser's service worker receives, encrypted: ids, type, urgency and a link; no personal data.</summary>
public sealed record PushPayload(Guid ItemId, string? CaseId, string Type, Urgency Urgency, DateTimeOffset? Deadline, int Level, string Url);

/// <summary>
/// Web Push (VAPID, aes128gcm through Lib.Net.Http.WebPush): pushes a level to every browser its
/// person subscribed, under one claim per (item, level, person) with channel <c>push</c>, so a level is
/// pushed once like it is e-mailed once. Each subscription's try is logged (to: the push service's
/// host); one the push service calls gone (404, 410) is deleted.
/// </summary>
public sealed class PushSender(
    NpgsqlDataSource db,
    IHttpClientFactory http,
    IOptions<WebPushOptions> webPush,
    IOptions<NotifyOptions> options,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    ILogger<PushSender> logger)
{
    public const string Channel = "push";
    public const string ClientName = "webpush";

    /// <summary>Pushes the level to its person's browsers, if any; the time to try again when every push failed and attempts remain, otherwise null.</summary>
    public async Task<DateTimeOffset?> SendAsync(string agencyId, NotifiedItem item, int level, string? person)
    {
        var vapid = webPush.Value;
        if (!vapid.Enabled || person is null || await PushStore.LoadAsync(db, person) is not { Count: > 0 } subscriptions)
        {
            return null;
        }

        var settings = options.Value;
        var claim = await NotificationStore.ClaimAsync(db, agencyId, item.Id, level, person, Channel, clock.GetUtcNow(), settings.ClaimLease, CancellationToken.None);
        if (claim.Finished)
        {
            return null;
        }

        if (claim.Attempt is not { } attempt)
        {
            return claim.HeldUntil;
        }

        var payload = JsonSerializer.Serialize(new PushPayload(item.Id, item.CaseId, item.Type.ToString(), item.Urgency, item.Deadline, level,
            $"{settings.DashboardUrl.TrimEnd('/')}/#/?item={item.Id}"), CoordinationJson.Options);
        using var authentication = new VapidAuthentication(vapid.PublicKey!, vapid.PrivateKey!) { Subject = vapid.Subject };
        var client = new PushServiceClient(http.CreateClient(ClientName)) { DefaultAuthentication = authentication };
        var delivered = 0;
        var gone = 0;
        foreach (var subscription in subscriptions)
        {
            var outcome = await PushOneAsync(client, person, subscription, payload, item.Urgency);
            delivered += outcome == "delivered" ? 1 : 0;
            gone += outcome == "gone" ? 1 : 0;
            await NotificationStore.AppendLogAsync(db, item.Id, level, person, Channel, new Uri(subscription.Endpoint).Host, attempt, outcome, clock.GetUtcNow(), CancellationToken.None);
        }

        var failed = delivered == 0 && gone < subscriptions.Count;
        var final = !failed || attempt >= settings.Attempts;
        await NotificationStore.SettleClaimAsync(db, item.Id, level, person, Channel, delivered > 0 ? "delivered" : failed ? "failed" : "gone", final, CancellationToken.None);
        logger.LogInformation("Notification level {Level} of item {ItemId} pushed to {Delivered} of {Count} browsers of {Username} (attempt {Attempt})",
            level, item.Id, delivered, subscriptions.Count, person, attempt);
        return final ? null : clock.GetUtcNow() + settings.RetryEvery;
    }

    private async Task<string> PushOneAsync(PushServiceClient client, string person, PushEndpoint endpoint, string payload, Urgency urgency)
    {
        var subscription = new PushSubscription { Endpoint = endpoint.Endpoint };
        subscription.SetKey(PushEncryptionKeyName.P256DH, endpoint.P256dh);
        subscription.SetKey(PushEncryptionKeyName.Auth, endpoint.Auth);
        var message = new PushMessage(payload)
        {
            Urgency = urgency == Urgency.Critical ? PushMessageUrgency.High : PushMessageUrgency.Normal,
            TimeToLive = (int)TimeSpan.FromDays(1).TotalSeconds,
        };
        try
        {
            await client.RequestPushMessageDeliveryAsync(subscription, message, CancellationToken.None);
            return "delivered";
        }
        catch (PushServiceClientException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            await PushStore.RemoveAsync(db, person, endpoint.Endpoint);
            return "gone";
        }
        catch (Exception e) when (e is PushServiceClientException or HttpRequestException or TaskCanceledException)
        {
            logger.LogWarning("Push to {PushHost} failed ({Error})", new Uri(endpoint.Endpoint).Host, e.GetType().Name);
            return "failed";
        }
    }
}
