using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Coordination.Contracts.Notify;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Grains.Notify;

/// <summary>
/// One user's channels. A new address gets a six-digit code by e-mail; only its hash is stored,
/// before the e-mail leaves, so a code that was sent is always one the grain knows.
/// </summary>
public sealed class ChannelsGrain(
    NpgsqlDataSource db,
    EmailSender email,
    IOptions<ChannelOptions> options,
    IOptions<WebPushOptions> push,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    ILogger<ChannelsGrain> logger) : Grain, IChannelsGrain
{
    private string Username => this.GetPrimaryKeyString();

    public async Task<MyChannels> Get() => await ViewAsync(await ChannelStore.LoadAsync(db, Username));

    public async Task<MyChannels> SetEmail(string? address)
    {
        if (address is null)
        {
            await ChannelStore.SaveAsync(db, Username, StoredChannels.None);
            logger.LogInformation("E-mail channel of {Username} removed", Username);
            return await ViewAsync(StoredChannels.None);
        }

        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var expires = clock.GetUtcNow() + options.Value.CodeLifetime;
        var stored = new StoredChannels(address, null, Hash(code), expires, 0);
        await ChannelStore.SaveAsync(db, Username, stored);
        // Handed over in the background: an SMTP server may take longer than a request may wait
        // (greylisting, a cold start), and a code that never arrives is simply asked for again.
        _ = SendCodeAsync(address, code, expires);
        return await ViewAsync(stored);
    }

    private async Task SendCodeAsync(string address, string code, DateTimeOffset expires)
    {
        var username = Username;
        try
        {
            await Task.Run(() => email.SendAsync(address, $"Coordination verification code {code}",
                $"Your Coordination verification code is {code}.\n\nEnter it under \"My channels\" before {expires:yyyy-MM-dd HH:mm} UTC. " +
                "If you did not ask for it, ignore this e-mail: the address stays unverified and gets no alerts.\n",
                CancellationToken.None));
            logger.LogInformation("Verification code e-mailed for the channel of {Username}", username);
        }
        catch (EmailNotSentException)
        {
            logger.LogWarning("Verification code for the channel of {Username} not e-mailed; the user can ask for a new one", username);
        }
    }

    public async Task<MyChannels?> VerifyEmail(string code)
    {
        var stored = await ChannelStore.LoadAsync(db, Username);
        if (stored.CodeHash is null || stored.CodeExpiresAt is not { } expires || expires <= clock.GetUtcNow()
            || stored.CodeAttempts >= options.Value.CodeAttempts)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored.CodeHash), Encoding.ASCII.GetBytes(Hash(code))))
        {
            await ChannelStore.SaveAsync(db, Username, stored with { CodeAttempts = stored.CodeAttempts + 1 });
            return null;
        }

        var verified = stored with { EmailVerifiedAt = clock.GetUtcNow(), CodeHash = null, CodeExpiresAt = null, CodeAttempts = 0 };
        await ChannelStore.SaveAsync(db, Username, verified);
        logger.LogInformation("E-mail channel of {Username} verified", Username);
        return await ViewAsync(verified);
    }

    public async Task<MyChannels?> SetPush(PushEndpoint subscription)
    {
        if (!push.Value.Enabled || !push.Value.Accepts(subscription.Endpoint))
        {
            return null;
        }

        await PushStore.SaveAsync(db, Username, subscription, clock.GetUtcNow());
        logger.LogInformation("Push subscription of {Username} at {PushHost} added", Username, new Uri(subscription.Endpoint).Host);
        return await Get();
    }

    public async Task<MyChannels> RemovePush(string endpoint)
    {
        await PushStore.RemoveAsync(db, Username, endpoint);
        return await Get();
    }

    /// <summary>The code's hash, bound to the user so that one user's code never verifies another's address.</summary>
    private string Hash(string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{Username}:{code}")));

    private async Task<MyChannels> ViewAsync(StoredChannels stored) =>
        new(stored.Email, stored.EmailVerifiedAt is not null, stored.CodeHash is null ? null : stored.CodeExpiresAt,
            (await PushStore.LoadAsync(db, Username)).Count, push.Value.Enabled ? push.Value.PublicKey : null);
}
