using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Coordination.Grains.Notify;

/// <summary>
/// POSTs notifications to agencies' webhooks, signed <c>X-Coordination-Signature: sha256=&lt;hex HMAC-SHA256
/// of the body&gt;</c>, through the <see cref="ClientName"/> client, whose resilience pipeline retries
/// with backoff (<see cref="NotifyOptions"/>) and whose innermost handler (<see cref="WebhookAttempts"/>)
/// reports every try.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients)
{
    public const string ClientName = "webhooks";
    public const string SignatureHeader = "X-Coordination-Signature";

    /// <summary>Where a request carries the callback that hears each try's outcome.</summary>
    internal static readonly HttpRequestOptionsKey<Func<string, Task>> OnTry = new("coordination.webhook-try");

    /// <summary>Posts <paramref name="body"/>; true once a try was answered 2xx. <paramref name="onTry"/> hears each try's outcome.</summary>
    public async Task<bool> PostAsync(string url, string secret, byte[] body, Func<string, Task> onTry, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, Signature(secret, body));
        request.Options.Set(OnTry, onTry);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or Polly.Timeout.TimeoutRejectedException
                                   && !cancellationToken.IsCancellationRequested)
        {
            // Every try failed; each was reported as it failed.
            return false;
        }
    }

    /// <summary>"sha256=" and the lower-case hex HMAC-SHA256 of the body, keyed with the secret's UTF-8 bytes.</summary>
    public static string Signature(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}

/// <summary>Innermost handler of the webhook client: runs once per try, inside the retries, and reports its outcome.</summary>
public sealed class WebhookAttempts : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Options.TryGetValue(WebhookSender.OnTry, out var onTry);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (onTry is not null)
        {
            await onTry(ex is OperationCanceledException ? "failed (no answer)" : "failed (no connection)");
            throw;
        }

        if (onTry is not null)
        {
            await onTry(response.IsSuccessStatusCode ? "delivered" : $"failed (HTTP {(int)response.StatusCode})");
        }

        return response;
    }
}
