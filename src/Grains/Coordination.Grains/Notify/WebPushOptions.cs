using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Coordination.Grains.Notify;

/// <summary>
/// Web Push with VAPID: when the three are set, browsers may subscribe and every escalation level is
/// also pushed to its person's subscriptions. Generate a key pair once (e.g. <c>npx web-push
/// generate-vapid-keys</c>) and keep the private key secret; changing it invalidates every subscription.
/// </summary>
public sealed class WebPushOptions
{
    public const string Section = "Coordination:Notify:WebPush";

    /// <summary>Contact of the operator for the push services: <c>mailto:ops@example.org</c> or an https address.</summary>
    public string? Subject { get; set; }

    /// <summary>The VAPID public key: the uncompressed P-256 point, base64url (65 bytes).</summary>
    public string? PublicKey { get; set; }

    /// <summary>The VAPID private key: the P-256 scalar, base64url (32 bytes).</summary>
    public string? PrivateKey { get; set; }

    /// <summary>Accept subscriptions whose endpoint is plain http: only for a test's local receiver, never in production.</summary>
    public bool AllowHttpEndpoints { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(PublicKey);

    /// <summary>Whether the silo would push to this endpoint: an absolute https address (http only when allowed).</summary>
    public bool Accepts(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || (AllowHttpEndpoints && url.Scheme == Uri.UriSchemeHttp));

    internal static void Add(IServiceCollection services, IConfiguration configuration)
    {
        const string variables = "Coordination__Notify__WebPush__";
        services.AddOptions<WebPushOptions>()
            .Bind(configuration.GetSection(Section))
            .Validate(o => string.IsNullOrEmpty(o.Subject) == string.IsNullOrEmpty(o.PublicKey) && string.IsNullOrEmpty(o.PublicKey) == string.IsNullOrEmpty(o.PrivateKey),
                $"{Section}:Subject, :PublicKey and :PrivateKey go together ({variables}Subject, {variables}PublicKey, {variables}PrivateKey).")
            .Validate(o => !o.Enabled || o.Subject!.StartsWith("mailto:", StringComparison.Ordinal) || o.Subject.StartsWith("https://", StringComparison.Ordinal),
                $"{Section}:Subject must be a mailto: or https: address ({variables}Subject).")
            .Validate(o => !o.Enabled || (KeyLength(o.PublicKey!) == 65 && KeyLength(o.PrivateKey!) == 32),
                $"{Section}:PublicKey and :PrivateKey must be a VAPID key pair: a P-256 public key (65 bytes) and private key (32 bytes), base64url ({variables}PublicKey, {variables}PrivateKey).")
            .ValidateOnStart();
    }

    private static int KeyLength(string base64Url)
    {
        try
        {
            var padded = base64Url.Replace('-', '+').Replace('_', '/');
            return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '=')).Length;
        }
        catch (FormatException)
        {
            return -1;
        }
    }
}
