namespace Coordination.Contracts.Notify;

/// <summary>
/// How a user can be reached away from the screen: an e-mail address, usable once verified; how many
/// browsers are subscribed to Web Push, and the server's VAPID public key to subscribe with (null when
/// the server has no Web Push).
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.MyChannels")]
public sealed record MyChannels(
    [property: Id(0)] string? Email,
    [property: Id(1)] bool EmailVerified,
    [property: Id(2)] DateTimeOffset? CodeExpiresAt,
    [property: Id(3)] int PushSubscriptions = 0,
    [property: Id(4)] string? PushPublicKey = null);

/// <summary>A browser's Web Push subscription: the push service's endpoint and the browser's keys (base64url).</summary>
[GenerateSerializer, Immutable, Alias("Coordination.PushEndpoint")]
public sealed record PushEndpoint(
    [property: Id(0)] string Endpoint,
    [property: Id(1)] string P256dh,
    [property: Id(2)] string Auth);

/// <summary>One user's channels (key: the username), kept in the <c>user_channels</c> table.</summary>
[Alias("Coordination.IChannelsGrain")]
public interface IChannelsGrain : IGrainWithStringKey
{
    [Alias("Get"), ReadOnly]
    Task<MyChannels> Get();

    /// <summary>
    /// Sets the address (unverified) and e-mails it a new verification code, replacing any earlier
    /// one; null removes the address.
    /// </summary>
    [Alias("SetEmail")]
    Task<MyChannels> SetEmail(string? email);

    /// <summary>Verifies the address with the code it was sent; null when the code is wrong, spent, expired or tried too often.</summary>
    [Alias("VerifyEmail")]
    Task<MyChannels?> VerifyEmail(string code);

    /// <summary>Adds (or renews) a browser's push subscription; null when the server has no Web Push or refuses the endpoint.</summary>
    [Alias("SetPush")]
    Task<MyChannels?> SetPush(PushEndpoint subscription);

    /// <summary>Removes the subscription with this endpoint, if the user has it.</summary>
    [Alias("RemovePush")]
    Task<MyChannels> RemovePush(string endpoint);
}
