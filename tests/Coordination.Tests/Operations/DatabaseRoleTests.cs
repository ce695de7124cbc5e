using System.Net;
using Coordination.Tests.Infrastructure;
using Npgsql;

namespace Coordination.Tests.Operations;

/// <summary>
/// The database roles deploy/run.sh creates (deploy/lib/postgres.sh, pg_create_app_roles): the
/// system runs as coordination_runtime and migrates as coordination_owner, neither a superuser,
/// and the application's role can neither rewrite the audit log nor switch its triggers off.
/// </summary>
public sealed class DatabaseRoleTests
{
    [Fact]
    public async Task The_system_runs_as_a_role_that_cannot_change_delete_or_unprotect_audit_entries()
    {
        var superuser = new NpgsqlConnectionStringBuilder(await TestDatabase.CreateEmptyAsync("roles"));
        await CreateRolesAsync(superuser);
        var runtime = new NpgsqlConnectionStringBuilder(superuser.ConnectionString) { Username = "coordination_runtime" }.ConnectionString;
        var owner = new NpgsqlConnectionStringBuilder(superuser.ConnectionString) { Username = "coordination_owner" }.ConnectionString;

        // The silo migrates as the owner; it and the web host then work as the runtime role: a flag
        // writes the case, its number, its feed items and its audit entry.
        await using (var system = await CoordinationProcesses.CreateAsync("roles",
            new Dictionary<string, string> { ["ConnectionStrings__CoordinationMigrations"] = owner }, runtime))
        {
            await system.StartSiloAsync();
            await system.StartWebAsync();
            var field = await Field.CreateAsync(system);
            var post = await field.AgencyAsync("kg-post", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
            using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
            (await consul.PostAsync("/api/cases", Field.Flag("Role Person", "F", 1990, "KG", "TR", field.Region("Chui"), ["Shelter"])))
                .Expect(HttpStatusCode.Created);

            // Only the migrations used the owner: none of its connections stays open.
            await using var server = new NpgsqlConnection(superuser.ConnectionString);
            await server.OpenAsync();
            Assert.Equal(0L, await ScalarAsync<long>(server,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND usename = 'coordination_owner'"));
            Assert.True(await ScalarAsync<long>(server,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND usename = 'coordination_runtime'") > 0);
        }

        await using var app = new NpgsqlConnection(runtime);
        await app.OpenAsync();
        Assert.False(await ScalarAsync<bool>(app, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
        Assert.False(await ScalarAsync<bool>(app, "SELECT rolsuper FROM pg_roles WHERE rolname = 'coordination_owner'"));
        Assert.Equal("coordination_owner", await ScalarAsync<string>(app, "SELECT tableowner::text FROM pg_tables WHERE tablename = 'audit_log'"));
        Assert.True(await ScalarAsync<long>(app, "SELECT count(*) FROM audit_log WHERE action = 'case.flag'") > 0);

        foreach (var statement in new[]
        {
            "UPDATE audit_log SET username = 'someone else'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete",
            "DROP TRIGGER audit_log_no_update_or_delete ON audit_log",
            "SET session_replication_role = replica",
            "CREATE TABLE audit_log_copy (id bigint)",
        })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(app, statement));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }

        // The owner may write the table, and the triggers still refuse it.
        await using var schemaOwner = new NpgsqlConnection(owner);
        await schemaOwner.OpenAsync();
        var byOwner = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(schemaOwner, "DELETE FROM audit_log"));
        Assert.Contains("append-only", byOwner.MessageText);
        Assert.True(await ScalarAsync<long>(app, "SELECT count(*) FROM audit_log WHERE action = 'case.flag'") > 0);
    }

    /// <summary>Runs deploy/lib/postgres.sh's pg_create_app_roles against the test cluster, as deploy/run.sh does.</summary>
    private static Task CreateRolesAsync(NpgsqlConnectionStringBuilder database) =>
        DeployFiles.RunBashAsync(
            "source deploy/lib/postgres.sh && PG_BIN=\"$(_pg_find_bin)\" && PG_PORT=\"$1\" && pg_create_app_roles \"$2\"",
            database.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), database.Database!);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
