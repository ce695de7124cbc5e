using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Feeds;
using Coordination.ServiceDefaults;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Integration;

/// <summary>How a <see cref="FeedSettlement"/> picks the items it settles, on a real PostgreSQL.</summary>
public sealed class FeedSettlementTests
{
    private const string Agency = "ngo-settlement";

    [Fact]
    public async Task A_key_settles_exactly_its_item_and_a_prefix_ending_in_a_colon_settles_every_item_under_it()
    {
        await using var db = CoordinationDatabase.CreateDataSource(await TestDatabase.CreateMigratedAsync("settlement"));
        var now = DateTimeOffset.UtcNow;
        string[] keys = ["referral:KG-2026-000001:r1", "referral:KG-2026-000001:r10", "referral:KG-2026-000002:r1", "pickup:KG-2026-000001:v3"];
        var log = FeedLogTests.Log(db, Agency);
        await log.DeliverAsync(new FeedDelivery(Agency, Guid.NewGuid(), now, [], [.. keys.Select(key => new NewFeedItem(
            Agency, key, FeedItemType.ReferralReceived, FeedItemKind.Alert, key.Split(':')[1], null, null, key,
            Urgency.Urgent, RequiresAck: true, null, new Dictionary<string, string>()))]));

        // Answering referral r1 leaves r10 of the same case open.
        await Settle(log, new FeedSettlement(Agency, "referral:KG-2026-000001:r1", "caseworker"), now);
        Assert.Equal(["referral:KG-2026-000001:r1"], await SettledAsync(db));

        // Closing case 1 settles all of its items under the prefix, and nothing of case 2.
        await Settle(log, new FeedSettlement(Agency, "referral:KG-2026-000001:", "caseworker"), now);
        await Settle(log, new FeedSettlement(Agency, "pickup:KG-2026-000001:", "caseworker"), now);
        Assert.Equal(["pickup:KG-2026-000001:v3", "referral:KG-2026-000001:r1", "referral:KG-2026-000001:r10"], await SettledAsync(db));
    }

    private static Task Settle(FeedLog log, FeedSettlement settlement, DateTimeOffset now) =>
        log.DeliverAsync(new FeedDelivery(Agency, Guid.NewGuid(), now, [settlement], []));

    private static async Task<List<string>> SettledAsync(Npgsql.NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand(
            $"SELECT dedupe_key FROM feed_items WHERE agency_id = '{Agency}' AND acknowledged_at IS NOT NULL ORDER BY dedupe_key");
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }
}
