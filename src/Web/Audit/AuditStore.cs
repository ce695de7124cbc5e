using Coordination.Contracts.Audit;
using Coordination.Web.Auth;

namespace Coordination.Web.Audit;

/// <summary>
/// The web host's way to the audit log: reading it, and recording account changes, both through
/// <see cref="IAuditGrain"/> so that every statement on the log is the silo's. Reads and changes of a
/// case's personal data are recorded by the case grains, in the same transaction as the change.
/// </summary>
public sealed class AuditStore(IClusterClient cluster)
{
    public Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken cancellationToken) =>
        cluster.GetGrain<IAuditGrain>(0).Query(query).WaitAsync(cancellationToken);

    /// <summary>Records an administrator's change to an account; <paramref name="username"/> is the account changed.</summary>
    /// <param name="actor">Who made it, when not the signed-in caller: a password reset by its link is the user's own.</param>
    public Task AppendAccountEventAsync(HttpContext http, string action, string username, CancellationToken cancellationToken, string? actor = null) =>
        cluster.GetGrain<IAuditGrain>(0).AppendAccountEvent(new AccountEvent(
            actor ?? http.User.FindFirst(CoordinationClaims.Username)?.Value ?? string.Empty,
            http.User.FindFirst(CoordinationClaims.Agency)?.Value,
            http.Connection.RemoteIpAddress?.ToString(),
            action,
            username)).WaitAsync(cancellationToken);
}
