using Coordination.Contracts.Common;

namespace Coordination.Contracts.Agencies;

/// <summary>An agency's webhook as its users read it: the address, and whether a secret is set (never the secret).</summary>
[GenerateSerializer, Immutable, Alias("Coordination.AgencyWebhookView")]
public sealed record AgencyWebhookView(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] string? Url,
    [property: Id(2)] bool SecretSet);

/// <summary>One agency's webhook for SMS and messenger gateways (key: the agency id), kept in the <c>agency_webhooks</c> table.</summary>
[Alias("Coordination.IAgencyWebhookGrain")]
public interface IAgencyWebhookGrain : IGrainWithStringKey
{
    /// <summary>The webhook (no address when none is set); null when there is no such agency.</summary>
    [Alias("Get"), ReadOnly]
    Task<AgencyWebhookView?> Get();

    /// <summary>
    /// Sets the address and the secret the notifications are signed with (validated by the caller), or
    /// removes the webhook when <paramref name="url"/> is null, and records who did it; null when there is no such agency.
    /// </summary>
    [Alias("Replace")]
    Task<AgencyWebhookView?> Replace(string? url, string? secret, Actor actor);
}
