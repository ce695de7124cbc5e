using System.Reflection;
using Npgsql;

namespace Coordination.Silo.Database;

/// <summary>
/// Applies the project's versioned SQL migrations (embedded <c>Database/Migrations/NNNN_name.sql</c>)
/// exactly once each, in order. Safe to run from several processes at once: an advisory lock
/// serialises them and the <c>schema_migrations</c> table records what has been applied.
/// </summary>
public static class DatabaseMigrator
{
    // Arbitrary constant that identifies "Coordination schema migration" among advisory locks.
    private const long MigrationLockKey = 0x436F6F7264;

    /// <summary>The application role's rights, granted again after every migration run (Database/Grants.sql).</summary>
    private const string GrantsResource = "Coordination.Silo.Database.Grants.sql";

    public static IReadOnlyList<(string Version, string Sql)> LoadMigrations()
    {
        var assembly = typeof(DatabaseMigrator).Assembly;
        const string marker = ".Database.Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.Contains(marker, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Version: n[(n.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..^4], Resource: n))
            .OrderBy(m => m.Version, StringComparer.Ordinal)
            .Select(m => (m.Version, Read(assembly, m.Resource)))
            .ToList();
    }

    public static async Task<IReadOnlyList<string>> MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            lockCommand.Parameters.AddWithValue("key", MigrationLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using (var create = new NpgsqlCommand(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                connection))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var select = new NpgsqlCommand("SELECT version FROM schema_migrations", connection))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            var newlyApplied = new List<string>();
            foreach (var (version, sql) in LoadMigrations())
            {
                if (applied.Contains(version))
                {
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var migrate = new NpgsqlCommand(sql, connection, transaction))
                {
                    await migrate.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version) VALUES (@version)", connection, transaction))
                {
                    record.Parameters.AddWithValue("version", version);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                newlyApplied.Add(version);
            }

            await using (var grant = new NpgsqlCommand(Read(typeof(DatabaseMigrator).Assembly, GrantsResource), connection))
            {
                await grant.ExecuteNonQueryAsync(cancellationToken);
            }

            return newlyApplied;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            unlock.Parameters.AddWithValue("key", MigrationLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Migration resource {resource} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
