using Coordination.Contracts.Committees;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Cases;
using Coordination.Grains.Committees;
using Coordination.ServiceDefaults;
using Coordination.Tests.Infrastructure;
using Npgsql;

namespace Coordination.Tests.Integration;

/// <summary><see cref="CommitteeStore.SaveAsync"/> on a real PostgreSQL: a change commits whole or not at all.</summary>
public sealed class CommitteeStoreTests
{
    private const string Committee = "kg-wg-store";

    [Fact]
    public async Task A_write_from_a_stale_activation_or_under_a_taken_key_commits_nothing()
    {
        await using var db = CoordinationDatabase.CreateDataSource(await TestDatabase.CreateMigratedAsync("committee-store"));
        var now = DateTimeOffset.UtcNow;
        var key = new CommitteeCommandKey(Committee, new IdempotentRequest("k1", "h1"), CommitteeCommandKeys.Tasks(Committee, ["t1"]));

        var (first, feed) = await CommitteeStore.SaveAsync(db, Committee, Change(0, "first", key), now);
        Assert.Equal(SaveOutcome.Saved, first);
        Assert.Equal(["ngo-a"], feed.Select(d => d.AgencyId));
        Assert.Equal(1, (await CommitteeStore.LoadAsync(db, Committee))?.Version);

        // An activation that read version 0 (left behind on a frozen silo) is refused whole.
        var stale = await Assert.ThrowsAsync<DomainException>(() => CommitteeStore.SaveAsync(db, Committee, Change(0, "stale"), now));
        Assert.Equal(DomainErrorKind.Conflict, stale.Kind);

        // The same key again: nothing of the second change is written, not even its plan.
        var (again, none) = await CommitteeStore.SaveAsync(db, Committee, Change(1, "again", key), now);
        Assert.Equal(SaveOutcome.IdempotencyKeyTaken, again);
        Assert.Empty(none);

        var stored = await CommitteeStore.LoadAsync(db, Committee);
        Assert.Equal(1, stored?.Version);
        Assert.Equal(["first"], stored?.Plan.MemberAgencies);
        Assert.Equal(1L, await ScalarAsync(db, "SELECT count(*) FROM feed_outbox WHERE agency_id = 'ngo-a'"));
        Assert.Equal(1L, await ScalarAsync(db, "SELECT count(*) FROM idempotent_requests WHERE key = 'k1'"));
    }

    private static CommitteeChange Change(int previousVersion, string marker, CommitteeCommandKey? key = null) =>
        new(new CommitteeState { MemberAgencies = [marker] }, previousVersion,
            [new NewFeedItem("ngo-a", $"task:{Committee}:{marker}", FeedItemType.TaskAssigned, FeedItemKind.Task, null, Committee, "t1",
                "new task", Urgency.Routine, RequiresAck: true, null, new Dictionary<string, string>())],
            [], key);

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
