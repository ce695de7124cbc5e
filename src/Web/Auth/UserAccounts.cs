using Coordination.Contracts.Accounts;

namespace Coordination.Web.Auth;

/// <summary>
/// The web host's way to user accounts: every read and write goes through <see cref="IAccountsGrain"/>,
/// so every statement on the <c>users</c> table is the silo's. The request's cancellation stops the wait.
/// </summary>
public sealed class UserAccounts(IClusterClient cluster)
{
    private IAccountsGrain Grain => cluster.GetGrain<IAccountsGrain>(0);

    public Task<UserRecord?> FindAsync(string username, CancellationToken cancellationToken) =>
        Grain.Find(username).WaitAsync(cancellationToken);

    public Task<AccountStanding?> FindStandingAsync(string username, CancellationToken cancellationToken) =>
        Grain.FindStanding(username).WaitAsync(cancellationToken);

    /// <summary>Creates the user unless the username is taken; true when created.</summary>
    public Task<bool> TryCreateAsync(UserRecord user, CancellationToken cancellationToken) =>
        Grain.TryCreate(user).WaitAsync(cancellationToken);

    /// <inheritdoc cref="IAccountsGrain.RecordFailedSignIn"/>
    public Task<DateTimeOffset?> RecordFailedSignInAsync(string username, int threshold, DateTimeOffset lockedUntil, CancellationToken cancellationToken) =>
        Grain.RecordFailedSignIn(username, threshold, lockedUntil).WaitAsync(cancellationToken);

    /// <inheritdoc cref="IAccountsGrain.RecordSignIn"/>
    public Task RecordSignInAsync(string username, CancellationToken cancellationToken) =>
        Grain.RecordSignIn(username).WaitAsync(cancellationToken);

    /// <inheritdoc cref="IAccountsGrain.SetDisabled"/>
    public Task<bool> SetDisabledAsync(string username, bool disabled, DateTimeOffset now, CancellationToken cancellationToken) =>
        Grain.SetDisabled(username, disabled, now).WaitAsync(cancellationToken);

    public Task<IReadOnlyList<UserRecord>> ListAsync(CancellationToken cancellationToken) =>
        Grain.List().WaitAsync(cancellationToken);

    /// <inheritdoc cref="IAccountsGrain.Update"/>
    public Task<bool> UpdateAsync(UserEdit edit, DateTimeOffset now, CancellationToken cancellationToken) =>
        Grain.Update(edit, now).WaitAsync(cancellationToken);

    /// <inheritdoc cref="IAccountsGrain.IssuePasswordReset"/>
    public Task<bool> IssuePasswordResetAsync(string username, string tokenHash, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        Grain.IssuePasswordReset(username, tokenHash, expiresAt).WaitAsync(cancellationToken);

    /// <inheritdoc cref="IAccountsGrain.FindByPasswordReset"/>
    public Task<UserRecord?> FindByPasswordResetAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        Grain.FindByPasswordReset(tokenHash, now).WaitAsync(cancellationToken);

    /// <inheritdoc cref="IAccountsGrain.CompletePasswordReset"/>
    public Task<bool> CompletePasswordResetAsync(string tokenHash, string passwordHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        Grain.CompletePasswordReset(tokenHash, passwordHash, now).WaitAsync(cancellationToken);
}
