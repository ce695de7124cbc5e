using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Contracts.Notify;

namespace Coordination.Tests.Notify;

/// <summary>
/// Web Push with VAPID against a real local HTTP receiver standing in for the push service: a level
/// is pushed once to its person's subscribed browser, encrypted for it (aes128gcm) and signed with the
/// server's VAPID key, carrying no personal data; a subscription the push service calls gone is removed.
/// </summary>
[Collection("notify cluster")]
public sealed class WebPushNotificationTests(NotifyClusterFixture fixture)
{
    private NotifyClusterFixture.Cluster Cluster => fixture.Grains;

    [Fact]
    public async Task A_level_is_pushed_once_to_the_persons_browser_encrypted_with_aes128gcm_and_signed_with_vapid()
    {
        var ngo = await NotifyWorld.NgoAsync(Cluster, "push");
        await using var pushService = HttpReceiver.Start(HttpStatusCode.Created);
        using var browser = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var authSecret = RandomNumberGenerator.GetBytes(16);
        var channels = await SubscribeAsync(ngo.OnDuty, $"{pushService.Url}push/{Guid.NewGuid():N}", browser, authSecret);
        Assert.Equal(1, channels.PushSubscriptions);
        Assert.Equal(NotifyClusterFixture.Cluster.Vapid.PublicKey, channels.PushPublicKey);
        await NotifyWorld.PolicyAsync(Cluster, ngo.Id, new EscalationPolicy([new(TimeSpan.Zero, EscalationLevel.OnDuty)], null));

        var item = await NotifyWorld.RaiseAsync(Cluster, ngo.Id, Urgency.Critical);
        var links = Cluster.Client.GetGrain<INotificationsGrain>(0);
        await NotifyWorld.EventuallyAsync(async () => (await links.Log(ngo.Id, item.Id))!.Any(a => a.Channel == "push"));

        var request = Assert.Single(pushService.Requests);
        Assert.Equal("aes128gcm", request.Headers["Content-Encoding"]);
        Assert.Equal("high", request.Headers["Urgency"]);
        var authorization = request.Headers["Authorization"]!;
        Assert.StartsWith("vapid ", authorization, StringComparison.Ordinal);
        var parameters = authorization["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(NotifyClusterFixture.Cluster.Vapid.PublicKey, parameters["k"]);
        var claims = JsonNode.Parse(WebPushKeys.VerifiedClaims(parameters["t"], parameters["k"]))!;
        // The push service's origin; Lib.Net.Http.WebPush leaves out a port that is not the default (push services listen on 443).
        var origin = new Uri(pushService.Url);
        Assert.Equal($"{origin.Scheme}://{origin.Host}", claims["aud"]!.GetValue<string>());
        Assert.Equal(NotifyClusterFixture.Cluster.VapidSubject, claims["sub"]!.GetValue<string>());

        var text = WebPushKeys.Decrypt(request.Body, browser, authSecret);
        var payload = JsonNode.Parse(text)!;
        Assert.Equal(item.Id.ToString(), payload["itemId"]!.GetValue<string>());
        Assert.Equal(item.CaseId, payload["caseId"]!.GetValue<string>());
        Assert.Equal("Critical", payload["urgency"]!.GetValue<string>());
        Assert.Equal("PickupRequested", payload["type"]!.GetValue<string>());
        foreach (var personal in new[] { "Aida", "Karimova", "FRU" })
        {
            Assert.DoesNotContain(personal, text, StringComparison.OrdinalIgnoreCase);
        }

        // Pushed once, logged once, beside the e-mail of the same level.
        Assert.Single(await fixture.Inbox.WaitForAsync(ngo.OnDutyAddress));
        await NotifyWorld.EventuallyAsync(async () => await NotifyWorld.NotifyAtAsync(Cluster, item.Id) is null);
        var pushed = Assert.Single((await links.Log(ngo.Id, item.Id))!, a => a.Channel == "push");
        Assert.Equal((0, "127.0.0.1", 1, "delivered"), (pushed.Level, pushed.To, pushed.Attempt, pushed.Outcome));
        Assert.Single(pushService.Requests);
    }

    [Fact]
    public async Task A_subscription_the_push_service_calls_gone_is_removed_and_the_level_still_emailed()
    {
        var ngo = await NotifyWorld.NgoAsync(Cluster, "pushgone");
        await using var pushService = HttpReceiver.Start(HttpStatusCode.Gone);
        using var browser = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        await SubscribeAsync(ngo.OnDuty, $"{pushService.Url}push/{Guid.NewGuid():N}", browser, RandomNumberGenerator.GetBytes(16));
        await NotifyWorld.PolicyAsync(Cluster, ngo.Id, new EscalationPolicy([new(TimeSpan.Zero, EscalationLevel.OnDuty)], null));

        var item = await NotifyWorld.RaiseAsync(Cluster, ngo.Id, Urgency.Critical);
        var links = Cluster.Client.GetGrain<INotificationsGrain>(0);
        await NotifyWorld.EventuallyAsync(async () => (await links.Log(ngo.Id, item.Id))!.Any(a => a.Channel == "push"));

        Assert.Equal("gone", Assert.Single((await links.Log(ngo.Id, item.Id))!, a => a.Channel == "push").Outcome);
        Assert.Equal(0, (await Cluster.Client.GetGrain<IChannelsGrain>(ngo.OnDuty).Get()).PushSubscriptions);
        Assert.Single(await fixture.Inbox.WaitForAsync(ngo.OnDutyAddress));
    }

    [Fact]
    public async Task A_plain_http_endpoint_is_refused_unless_allowed_and_a_subscription_is_removed_by_its_endpoint()
    {
        var ngo = await NotifyWorld.NgoAsync(Cluster, "pushsub");
        using var browser = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var channels = Cluster.Client.GetGrain<IChannelsGrain>(ngo.Deputy);
        var endpoint = "https://push.example.org/send/abc";
        await SubscribeAsync(ngo.Deputy, endpoint, browser, RandomNumberGenerator.GetBytes(16));
        Assert.Null(await channels.SetPush(new PushEndpoint("ftp://push.example.org/x", "k", "a")));
        Assert.Equal(1, (await channels.Get()).PushSubscriptions);
        Assert.Equal(0, (await channels.RemovePush(endpoint)).PushSubscriptions);
    }

    private async Task<MyChannels> SubscribeAsync(string username, string endpoint, ECDiffieHellman browser, byte[] authSecret) =>
        (await Cluster.Client.GetGrain<IChannelsGrain>(username).SetPush(
            new PushEndpoint(endpoint, WebPushKeys.Base64Url(WebPushKeys.PublicPoint(browser)), WebPushKeys.Base64Url(authSecret))))!;
}
