namespace Coordination.Contracts.Notify;

/// <summary>How a user can be reached away from the screen: an e-mail address, usable once verified.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.MyChannels")]
public sealed record MyChannels(
    [property: Id(0)] string? Email,
    [property: Id(1)] bool EmailVerified,
    [property: Id(2)] DateTimeOffset? CodeExpiresAt);

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
}
