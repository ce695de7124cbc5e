using Coordination.Contracts.Audit;
using Coordination.Contracts.Common;
using Coordination.Grains.Audit;
using Coordination.ServiceDefaults;
using Coordination.Tests.Infrastructure;
using Npgsql;

namespace Coordination.Tests.Security;

/// <summary>The one writer and reader of <c>audit_log</c>, on a real PostgreSQL.</summary>
public sealed class AuditStoreTests
{
    [Fact]
    public async Task An_entry_is_one_row_per_case_or_one_row_about_no_case_and_rolls_back_with_its_batch()
    {
        await using var db = CoordinationDatabase.CreateDataSource(await TestDatabase.CreateMigratedAsync("auditstore"));
        var caseworker = new Actor("store-worker", "ngo-store", "10.0.0.7");

        await AuditStore.AppendAsync(db, NewAuditEntry.By(caseworker, ["KG-2026-000001", "KG-2026-000002"], "case.list", ["fullName"], null));
        await AuditStore.AppendAsync(db, new NewAuditEntry("store-admin", null, [], "user.disable", [], "10.0.0.8", "store-worker"));
        await AuditStore.AppendAsync(db, new NewAuditEntry("store-analyst", "", [], "statistics.compute:KG", ["fullName", "birthYear"], null, null));
        await using (var connection = await db.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            batch.BatchCommands.Add(AuditStore.Append(NewAuditEntry.By(caseworker, ["KG-2026-000003"], "case.flag", ["fullName"], null)));
            await batch.ExecuteNonQueryAsync();
            await transaction.RollbackAsync();
        }

        var entries = await AuditStore.QueryAsync(db, new AuditQuery(null, null, null, 0, 100));

        Assert.Equal(["case.list", "case.list", "user.disable", "statistics.compute:KG"], entries.Select(e => e.Action));
        Assert.Equal(["KG-2026-000001", "KG-2026-000002", null, null], entries.Select(e => e.CaseId));
        Assert.Equal(["ngo-store", "ngo-store", null, null], entries.Select(e => e.AgencyId));
        Assert.Equal(["10.0.0.7", "10.0.0.7", "10.0.0.8", null], entries.Select(e => e.Address));
        Assert.Equal([null, null, "store-worker", null], entries.Select(e => e.Detail));
        Assert.Equal([["fullName"], ["fullName"], [], ["fullName", "birthYear"]], entries.Select(e => e.Fields.ToArray()));

        var firstCase = await AuditStore.QueryAsync(db, new AuditQuery("KG-2026-000001", null, null, 0, 100));
        Assert.Equal(entries[0].Id, Assert.Single(firstCase).Id);
        Assert.Equal(entries.Skip(1).Take(2).Select(e => e.Id), (await AuditStore.QueryAsync(db, new AuditQuery(null, null, null, entries[0].Id, 2))).Select(e => e.Id));
    }

    [Fact]
    public void The_web_host_runs_no_SQL_on_the_audit_log()
    {
        var audit = Path.Combine(CoordinationProcesses.RepositoryRoot, "src", "Web", "Audit");
        var offenders = Directory.EnumerateFiles(audit, "*.cs", SearchOption.AllDirectories)
            .Where(path => File.ReadAllText(path) is var text && (text.Contains("Npgsql", StringComparison.Ordinal) || text.Contains("audit_log", StringComparison.Ordinal)))
            .ToList();

        Assert.NotEmpty(Directory.EnumerateFiles(audit, "*.cs"));
        Assert.Empty(offenders);
    }
}
