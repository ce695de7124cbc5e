using Coordination.Contracts.Audit;
using Npgsql;

namespace Coordination.Grains.Audit;

/// <summary>Keeps the web host's audit writes and reads on the silo side, beside every other writer of the log.</summary>
[StatelessWorker, Reentrant]
public sealed class AuditGrain(NpgsqlDataSource db) : Grain, IAuditGrain
{
    public Task AppendAccountEvent(AccountEvent change) =>
        AuditStore.AppendAsync(db, new NewAuditEntry(change.Admin, change.AgencyId, [], change.Action, [], change.Address, change.Account));

    public Task<IReadOnlyList<AuditEntry>> Query(AuditQuery query) => AuditStore.QueryAsync(db, query);
}
