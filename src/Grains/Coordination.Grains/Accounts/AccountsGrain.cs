using Coordination.Contracts.Accounts;
using Npgsql;

namespace Coordination.Grains.Accounts;

/// <summary>Keeps the web host's reads and writes of user accounts on the silo side (<see cref="AccountStore"/>).</summary>
[StatelessWorker, Reentrant]
public sealed class AccountsGrain(NpgsqlDataSource db) : Grain, IAccountsGrain
{
    public Task<UserRecord?> Find(string username) => AccountStore.FindAsync(db, username);

    public Task<AccountStanding?> FindStanding(string username) => AccountStore.FindStandingAsync(db, username);

    public Task<bool> TryCreate(UserRecord user) => AccountStore.TryCreateAsync(db, user);

    public Task<DateTimeOffset?> RecordFailedSignIn(string username, int threshold, DateTimeOffset lockedUntil) =>
        AccountStore.RecordFailedSignInAsync(db, username, threshold, lockedUntil);

    public Task RecordSignIn(string username) => AccountStore.RecordSignInAsync(db, username);

    public Task<bool> SetDisabled(string username, bool disabled, DateTimeOffset now) => AccountStore.SetDisabledAsync(db, username, disabled, now);

    public Task<IReadOnlyList<UserRecord>> List() => AccountStore.ListAsync(db);

    public Task<bool> Update(UserEdit edit, DateTimeOffset now) => AccountStore.UpdateAsync(db, edit, now);

    public Task<bool> IssuePasswordReset(string username, string tokenHash, DateTimeOffset expiresAt) =>
        AccountStore.IssuePasswordResetAsync(db, username, tokenHash, expiresAt);

    public Task<UserRecord?> FindByPasswordReset(string tokenHash, DateTimeOffset now) => AccountStore.FindByPasswordResetAsync(db, tokenHash, now);

    public Task<bool> CompletePasswordReset(string tokenHash, string passwordHash, DateTimeOffset now) =>
        AccountStore.CompletePasswordResetAsync(db, tokenHash, passwordHash, now);
}
