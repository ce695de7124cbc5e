using Coordination.Grains.Audit;
using Coordination.Grains.Hosting;
using Npgsql;

namespace Coordination.Grains.Agencies;

/// <summary>An agency's webhook: where its notifications are POSTed, and the secret they are signed with.</summary>
public sealed record StoredWebhook(string Url, string Secret);

/// <summary>The SQL of the <c>agency_webhooks</c> table, in one place.</summary>
public static class AgencyWebhookStore
{
    /// <summary>The agency's webhook; null when it has none.</summary>
    public static async Task<StoredWebhook?> LoadAsync(NpgsqlDataSource db, string agencyId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT url, secret FROM agency_webhooks WHERE agency_id = @agency");
        command.Parameters.AddWithValue("agency", agencyId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new StoredWebhook(reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>Sets (or, with null, removes) the agency's webhook and records who changed it in the audit log, in one transaction.</summary>
    public static async Task SaveAsync(NpgsqlDataSource db, string agencyId, StoredWebhook? webhook, DateTimeOffset now, NewAuditEntry audit)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        var change = new NpgsqlBatchCommand(webhook is null
            ? "DELETE FROM agency_webhooks WHERE agency_id = @agency"
            : "INSERT INTO agency_webhooks (agency_id, url, secret, updated_at) VALUES (@agency, @url, @secret, @now) " +
              "ON CONFLICT (agency_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, updated_at = excluded.updated_at");
        change.Parameters.AddWithValue("agency", agencyId);
        if (webhook is not null)
        {
            change.Parameters.AddWithValue("url", webhook.Url);
            change.Parameters.AddWithValue("secret", webhook.Secret);
            change.Parameters.AddWithValue("now", now);
        }

        batch.BatchCommands.Add(change);
        batch.BatchCommands.Add(AuditStore.Append(audit));
        await batch.ExecuteOrUnknownAsync(CancellationToken.None);
    }
}
