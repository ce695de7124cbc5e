using System.Security.Cryptography;
using System.Text;
using Coordination.Contracts.Accounts;
using Coordination.Grains.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OtpNet;

namespace Coordination.Grains.Accounts;

/// <summary>
/// One account's second factor (<see cref="ISecondFactorGrain"/>). One activation per account checks
/// its codes one at a time, so a code raced twice is still accepted once: the last accepted time
/// step is stored with the acceptance, and a step not after it is refused.
/// </summary>
public sealed class SecondFactorGrain(
    NpgsqlDataSource db,
    IDataProtectionProvider protection,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    ILogger<SecondFactorGrain> logger) : Grain, ISecondFactorGrain
{
    public const string Purpose = "Coordination.Accounts.Totp.v1";

    private const int RecoveryCodes = 10;

    /// <summary>Codes of the step before and after now are accepted too: phones' clocks drift.</summary>
    private static readonly VerificationWindow Drift = new(previous: 1, future: 1);

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    private string Username => this.GetPrimaryKeyString();

    public async Task<SecondFactorStatus> Status()
    {
        var stored = await SecondFactorStore.LoadAsync(db, Username);
        return new SecondFactorStatus(stored?.ProtectedSecret is not null, stored?.EnrolledAt, stored?.RecoveryHashes.Count ?? 0);
    }

    public async Task<TotpEnrolment> BeginTotp(string issuer)
    {
        var encoded = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));
        await SecondFactorStore.SavePendingAsync(db, Username, _protector.Protect(encoded));
        var label = Uri.EscapeDataString($"{issuer}:{Username}");
        logger.LogInformation("Second factor enrolment begun for {Username}", Username);
        return new TotpEnrolment(encoded, $"otpauth://totp/{label}?secret={encoded}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits=6&period=30");
    }

    public async Task<IReadOnlyList<string>?> ConfirmTotp(string code)
    {
        if (await SecondFactorStore.LoadAsync(db, Username) is not { PendingSecret: { } pending } stored
            || Step(_protector.Unprotect(pending), code) is not { } step)
        {
            return null;
        }

        var codes = Enumerable.Range(0, RecoveryCodes).Select(_ => NewRecoveryCode()).ToList();
        await SecondFactorStore.ConfirmAsync(db, Username, pending, step, codes.Select(Hash).ToArray(), clock.GetUtcNow());
        logger.LogInformation("Second factor enrolled for {Username} (replacing one: {Replaced})", Username, stored.ProtectedSecret is not null);
        return codes;
    }

    public async Task<bool> Verify(string code)
    {
        if (await SecondFactorStore.LoadAsync(db, Username) is not { ProtectedSecret: { } secret } stored)
        {
            return false;
        }

        if (Step(_protector.Unprotect(secret), code) is { } step)
        {
            return step > stored.LastStep && await SecondFactorStore.AcceptStepAsync(db, Username, stored.LastStep, step);
        }

        var hash = Hash(NormaliseRecoveryCode(code));
        if (stored.RecoveryHashes.Contains(hash) && await SecondFactorStore.SpendRecoveryCodeAsync(db, Username, hash))
        {
            logger.LogInformation("Recovery code used by {Username}: {Left} left", Username, stored.RecoveryHashes.Count - 1);
            return true;
        }

        return false;
    }

    public async Task<bool> Reset()
    {
        var reset = await SecondFactorStore.DeleteAsync(db, Username);
        logger.LogInformation("Second factor of {Username} reset: {Reset}", Username, reset);
        return reset;
    }

    /// <summary>The time step a six-digit code matches now, within the drift; null when it matches none.</summary>
    private long? Step(string base32Secret, string code)
    {
        var digits = code.Trim().Replace(" ", string.Empty, StringComparison.Ordinal);
        if (digits.Length != 6 || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }

        var totp = new Totp(Base32Encoding.ToBytes(base32Secret));
        return totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, digits, out var step, Drift) ? step : null;
    }

    /// <summary>Eight characters in two groups from an alphabet without look-alikes (40 bits), e.g. <c>K7QF-2XMB</c>.</summary>
    private static string NewRecoveryCode()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var chars = Enumerable.Range(0, 8).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]).ToArray();
        return $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}";
    }

    private static string NormaliseRecoveryCode(string code) =>
        code.Trim().ToUpperInvariant() is var c && c.Length == 8 && !c.Contains('-', StringComparison.Ordinal) ? $"{c[..4]}-{c[4..]}" : code.Trim().ToUpperInvariant();

    private static string Hash(string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
