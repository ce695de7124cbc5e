using Npgsql;

namespace Coordination.Chaos.Checking;

/// <summary>
/// How many times each notification (item, level, channel) may have gone out, read from the database
/// for <see cref="NotificationChecker"/>: the higher of its claim's attempt (above 1, a walker's claim was
/// taken over after its silo died, possibly after the server took the message) and its highest logged try
/// (a webhook's tries are numbered on across attempts, and a failed try is retried within an attempt).
/// A claim's attempt counts even when nothing of the attempt before it was logged: a silo that dies
/// between the POST and the log line leaves only the claim's attempt behind.
/// </summary>
public static class ClaimAttempts
{
    public static async Task<IReadOnlyDictionary<(Guid Item, int Level, string Channel), int>> ReadAsync(NpgsqlDataSource db)
    {
        var attempts = new Dictionary<(Guid, int, string), int>();
        await using var command = db.CreateCommand(
            "SELECT item_id, level, channel, max(n)::int FROM (" +
            "SELECT item_id, level, channel, attempt AS n FROM notifications " +
            "UNION ALL SELECT item_id, level, channel, attempt FROM notification_log) tries GROUP BY item_id, level, channel");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            attempts[(reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2))] = reader.GetInt32(3);
        }

        return attempts;
    }
}
