namespace Coordination.Contracts.Accounts;

/// <summary>A TOTP secret being enrolled: the base32 key to type into an authenticator app, and the <c>otpauth://</c> URI that carries it.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.TotpEnrolment")]
public sealed record TotpEnrolment([property: Id(0)] string Secret, [property: Id(1)] string Uri);

/// <summary>Whether the account has a second factor, since when, and how many recovery codes it has left.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.SecondFactorStatus")]
public sealed record SecondFactorStatus(
    [property: Id(0)] bool Enrolled, [property: Id(1)] DateTimeOffset? EnrolledAt, [property: Id(2)] int RecoveryCodesLeft);

/// <summary>
/// One account's second factor (key: the username): a TOTP authenticator (RFC 6238, 30 s, 6 digits)
/// and single-use recovery codes. The secret is kept encrypted and never leaves the silo once
/// enrolled; codes are checked here, one at a time per account, and a code is accepted once.
/// </summary>
[Alias("Coordination.ISecondFactorGrain")]
public interface ISecondFactorGrain : IGrainWithStringKey
{
    [Alias("Status")]
    Task<SecondFactorStatus> Status();

    /// <summary>Draws a new secret, pending until its first code confirms it (an enrolled one stays in force until then).</summary>
    [Alias("BeginTotp")]
    Task<TotpEnrolment> BeginTotp(string issuer);

    /// <summary>Confirms the pending secret with a code from it: the recovery codes, shown this once; null when the code is wrong or nothing is pending.</summary>
    [Alias("ConfirmTotp")]
    Task<IReadOnlyList<string>?> ConfirmTotp(string code);

    /// <summary>Checks a sign-in's code: a TOTP code not used before, or an unspent recovery code (which it spends).</summary>
    [Alias("Verify")]
    Task<bool> Verify(string code);

    /// <summary>Removes the second factor (an administrator's reset for a lost device); false when there was none.</summary>
    [Alias("Reset")]
    Task<bool> Reset();
}
