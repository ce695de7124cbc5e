namespace Coordination.Contracts.Accounts;

/// <summary>
/// A user account as sign-in and token checks read it. <see cref="PasswordHash"/> is ASP.NET Identity's
/// hash, made and checked by the web host; it crosses the grain boundary only inside the cluster.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.UserRecord")]
public sealed record UserRecord(
    [property: Id(0)] string Username,
    [property: Id(1)] string PasswordHash,
    [property: Id(2)] string DisplayName,
    [property: Id(3)] string? AgencyId,
    [property: Id(4)] string[] Roles,
    [property: Id(5)] string Language,
    [property: Id(6)] bool Disabled,
    [property: Id(7)] DateTimeOffset? LockedUntil = null,
    [property: Id(8)] string? Country = null);

/// <summary>What an administrator may change of an account: everything but its name and password. <see cref="Country"/> is a country administrator's only.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.UserEdit")]
public sealed record UserEdit(
    [property: Id(0)] string Username,
    [property: Id(1)] string DisplayName,
    [property: Id(2)] string? AgencyId,
    [property: Id(3)] string[] Roles,
    [property: Id(4)] string Language,
    [property: Id(5)] string? Country = null);

/// <summary>What every authenticated request checks of its account: disabled, or tokens issued before an instant revoked.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.AccountStanding")]
public sealed record AccountStanding(
    [property: Id(0)] bool Disabled,
    [property: Id(1)] DateTimeOffset? TokensValidAfter)
{
    public bool Accepts(DateTimeOffset tokenIssuedAt) => !Disabled && (TokensValidAfter is not { } after || tokenIssuedAt >= after);
}

/// <summary>
/// The web host's way to user accounts (stateless; any silo answers, key 0): every statement on the
/// <c>users</c> table is the silo's.
/// </summary>
[Alias("Coordination.IAccountsGrain")]
public interface IAccountsGrain : IGrainWithIntegerKey
{
    [Alias("Find")]
    Task<UserRecord?> Find(string username);

    [Alias("FindStanding")]
    Task<AccountStanding?> FindStanding(string username);

    /// <summary>Creates the account unless the username is taken; true when created.</summary>
    [Alias("TryCreate")]
    Task<bool> TryCreate(UserRecord user);

    /// <summary>
    /// Counts a failed sign-in; the one that reaches <paramref name="threshold"/> locks the account
    /// until <paramref name="lockedUntil"/> and starts the count again. Returns the lock, if it was set now.
    /// </summary>
    [Alias("RecordFailedSignIn")]
    Task<DateTimeOffset?> RecordFailedSignIn(string username, int threshold, DateTimeOffset lockedUntil);

    /// <summary>A successful sign-in clears the failure count.</summary>
    [Alias("RecordSignIn")]
    Task RecordSignIn(string username);

    /// <summary>
    /// Disables or re-enables an account. Disabling also revokes every token issued until
    /// <paramref name="now"/>; re-enabling does not bring them back. False when there is no such user.
    /// </summary>
    [Alias("SetDisabled")]
    Task<bool> SetDisabled(string username, bool disabled, DateTimeOffset now);

    /// <summary>Every account, by username.</summary>
    [Alias("List")]
    Task<IReadOnlyList<UserRecord>> List();

    /// <summary>
    /// Changes an account's name, agency, roles, language and country. A change of agency, roles or country revokes the
    /// tokens issued until <paramref name="now"/>, which carry the old ones. False when there is no such user.
    /// </summary>
    [Alias("Update")]
    Task<bool> Update(UserEdit edit, DateTimeOffset now);

    /// <summary>
    /// Records a password-reset link for the account (the hash of its token), replacing any earlier one.
    /// False when there is no such user.
    /// </summary>
    [Alias("IssuePasswordReset")]
    Task<bool> IssuePasswordReset(string username, string tokenHash, DateTimeOffset expiresAt);

    /// <summary>The account a password-reset link is for, while the link is unspent and unexpired and the account enabled.</summary>
    [Alias("FindByPasswordReset")]
    Task<UserRecord?> FindByPasswordReset(string tokenHash, DateTimeOffset now);

    /// <summary>
    /// Spends the link: sets the password, clears the lockout, and revokes every token issued until
    /// <paramref name="now"/>. Only one use of a link succeeds; false for a spent, expired or unknown one.
    /// </summary>
    [Alias("CompletePasswordReset")]
    Task<bool> CompletePasswordReset(string tokenHash, string passwordHash, DateTimeOffset now);
}
