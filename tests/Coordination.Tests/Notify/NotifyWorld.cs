using Coordination.Contracts.Accounts;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Npgsql;

namespace Coordination.Tests.Notify;

/// <summary>The agencies, people and alerts of the notification tests, built on <see cref="NotifyClusterFixture"/>'s cluster.</summary>
public static class NotifyWorld
{
    private static readonly string[] EveryDay = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    public sealed record Ngo(string Id, string OnDuty, string Deputy, string OnDutyAddress, string DeputyAddress);

    /// <summary>An NGO in Bishkek's time zone whose on-duty person is on duty around the clock, and a deputy; both with addresses.</summary>
    public static async Task<Ngo> NgoAsync(NotifyClusterFixture.Cluster cluster, string name, bool deputyVerified = true)
    {
        var id = $"{name}-{Guid.NewGuid():N}"[..30];
        await cluster.Client.GetGrain<IAgencyDirectoryGrain>(0).Create(
            new Agency(id, $"NGO {name}", AgencyKind.Ngo, "KG", null, "Naryn", "Asia/Bishkek", ["Naryn"], [], [AgencyService.Shelter]));
        var onDuty = $"{id}-duty";
        var deputy = $"{id}-deputy";
        var accounts = cluster.Client.GetGrain<IAccountsGrain>(0);
        foreach (var (username, display) in new[] { (onDuty, "Aida Karimova"), (deputy, "Bakyt Osmonov") })
        {
            Assert.True(await accounts.TryCreate(new UserRecord(username, "not-a-hash", display, id, ["NgoCaseworker"], "en", false)));
        }

        var ngo = new Ngo(id, onDuty, deputy, $"{onDuty}@ngo.example.org", $"{deputy}@ngo.example.org");
        await AddressAsync(cluster, onDuty, ngo.OnDutyAddress, verified: true);
        await AddressAsync(cluster, deputy, ngo.DeputyAddress, deputyVerified);
        await cluster.Client.GetGrain<IDutyRotaGrain>(id).Replace(
            new DutyRota([new DutyShift(EveryDay, "00:00", "00:00", onDuty)], []), new Actor("coordinator", id));
        return ngo;
    }

    public static Task PolicyAsync(NotifyClusterFixture.Cluster cluster, string agencyId, EscalationPolicy policy) =>
        cluster.Client.GetGrain<IEscalationPolicyGrain>(agencyId).Replace(policy, new Actor("coordinator", agencyId));

    /// <summary>A verified (or merely entered) address, as a user's verification leaves it.</summary>
    private static async Task AddressAsync(NotifyClusterFixture.Cluster cluster, string username, string address, bool verified)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "INSERT INTO user_channels (username, email, email_verified_at) VALUES (@user, @email, @verified)", connection);
        command.Parameters.AddWithValue("user", username);
        command.Parameters.AddWithValue("email", address);
        command.Parameters.AddWithValue("verified", verified ? cluster.Clock.GetUtcNow() : DBNull.Value);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Raises a pickup for a new case in the agency's feed, its summary naming the person as a case's item may.</summary>
    public static async Task<FeedItem> RaiseAsync(NotifyClusterFixture.Cluster cluster, string agencyId, Urgency urgency)
    {
        var caseId = $"KG-2026-{Random.Shared.Next(100_000, 999_999)}";
        var feed = cluster.Client.GetGrain<IAgencyFeedGrain>(agencyId);
        var now = cluster.Clock.GetUtcNow();
        await feed.Deliver(new FeedDelivery(agencyId, Guid.NewGuid(), now, [],
        [
            new NewFeedItem(agencyId, $"pickup:{caseId}", FeedItemType.PickupRequested, FeedItemKind.Alert, caseId, null, null,
                "Pickup of Aida Karimova at FRU 06:10", urgency, RequiresAck: true, CausedByAgencyId: null, new Dictionary<string, string>()),
        ]));
        await feed.CatchUp();
        return (await feed.Since(0, 1000)).Single(i => i.CaseId == caseId);
    }

    /// <summary>When the item's walk looks again (its next level, or the end of a wait): null once it has no more to do.</summary>
    public static async Task<DateTimeOffset?> NotifyAtAsync(NotifyClusterFixture.Cluster cluster, Guid itemId)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT notify_at FROM feed_items WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", itemId);
        return await command.ExecuteScalarAsync() is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(100);
        }
    }
}
