using Coordination.Contracts.Notify;
using Npgsql;

namespace Coordination.Grains.Notify;

/// <summary>The SQL of <c>push_subscriptions</c>: a user's browsers subscribed to Web Push.</summary>
public static class PushStore
{
    public static async Task<IReadOnlyList<PushEndpoint>> LoadAsync(NpgsqlDataSource db, string username)
    {
        await using var command = db.CreateCommand("SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE username = @user ORDER BY created_at");
        command.Parameters.AddWithValue("user", username);
        await using var reader = await command.ExecuteReaderAsync();
        var subscriptions = new List<PushEndpoint>();
        while (await reader.ReadAsync())
        {
            subscriptions.Add(new PushEndpoint(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return subscriptions;
    }

    /// <summary>Adds the subscription, or renews its keys when the browser subscribed again with the same endpoint.</summary>
    public static async Task SaveAsync(NpgsqlDataSource db, string username, PushEndpoint subscription, DateTimeOffset now)
    {
        await using var command = db.CreateCommand(
            "INSERT INTO push_subscriptions (username, endpoint, p256dh, auth, created_at) VALUES (@user, @endpoint, @p256dh, @auth, @now) " +
            "ON CONFLICT (username, endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth");
        command.Parameters.AddWithValue("user", username);
        command.Parameters.AddWithValue("endpoint", subscription.Endpoint);
        command.Parameters.AddWithValue("p256dh", subscription.P256dh);
        command.Parameters.AddWithValue("auth", subscription.Auth);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task RemoveAsync(NpgsqlDataSource db, string username, string endpoint)
    {
        await using var command = db.CreateCommand("DELETE FROM push_subscriptions WHERE username = @user AND endpoint = @endpoint");
        command.Parameters.AddWithValue("user", username);
        command.Parameters.AddWithValue("endpoint", endpoint);
        await command.ExecuteNonQueryAsync();
    }
}
