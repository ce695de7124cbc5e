using System.Collections.Concurrent;
using Coordination.Contracts.Accounts;
using Coordination.Web.Errors;
using Microsoft.Extensions.Options;

namespace Coordination.Web.Auth;

/// <summary>
/// Whether an account's tokens still open the door. A signed, unexpired token is not enough: the
/// account must not be disabled and the token must not predate a revocation. What was read of an
/// account is trusted for <see cref="AuthOptions.AccessCheckInterval"/>; this host forgets it at
/// once when it disables the account itself. While PostgreSQL or the cluster is unreachable (the
/// accounts grain's call fails as a 503 would) the last standing read stays in force (nothing can
/// be disabled meanwhile) so that reads served from memory keep working; and a request that has a
/// standing read waits at most <see cref="RefreshWait"/> for a new one, so that a silo that froze
/// under the accounts grain (answering nothing until it is declared dead) does not hold every
/// request up for the whole response timeout before its own command even starts.
/// </summary>
public sealed class AccountAccess(UserAccounts users, TimeProvider clock, IOptions<AuthOptions> options)
{
    /// <summary>How long a request that has a standing read waits for a new one; a live silo answers in milliseconds.</summary>
    public static readonly TimeSpan RefreshWait = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (AccountStanding? Standing, DateTimeOffset ReadAt)> _known = new(StringComparer.Ordinal);

    public async ValueTask<bool> AcceptsAsync(string username, DateTimeOffset tokenIssuedAt, CancellationToken cancellationToken)
    {
        var standing = await StandingAsync(username, cancellationToken);
        return standing is not null && standing.Accepts(tokenIssuedAt);
    }

    /// <summary>Forgets what is known of the account, so the next request reads it again.</summary>
    public void Forget(string username) => _known.TryRemove(username, out _);

    private async ValueTask<AccountStanding?> StandingAsync(string username, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_known.TryGetValue(username, out var known) && now - known.ReadAt < options.Value.AccessCheckInterval)
        {
            return known.Standing;
        }

        try
        {
            var read = users.FindStandingAsync(username, cancellationToken);
            // A network wait, so real time whatever the domain clock says.
            var standing = known.ReadAt == default ? await read : await read.WaitAsync(RefreshWait, TimeProvider.System, cancellationToken);
            _known[username] = (standing, now);
            return standing;
        }
        catch (Exception ex) when (known.ReadAt != default && ProblemHandling.IsUnavailable(ex))
        {
            _known[username] = (known.Standing, now);
            return known.Standing;
        }
    }
}
