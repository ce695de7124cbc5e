using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Cases;
using Coordination.Grains.Feeds;
using Coordination.Grains.Hosting;
using Coordination.Grains.Observability;
using Coordination.ServiceDefaults;
using Coordination.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace Coordination.Tests.Integration;

/// <summary>
/// A silo's combined writes (<see cref="SiloWrites"/>) against a real PostgreSQL: the saves of many
/// cases and the deliveries of many feeds that wait together commit together, each exactly as it would
/// alone; a part that the database refuses fails only itself, the others being made again alone.
/// </summary>
public sealed class SiloWritesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    [Fact]
    public async Task Cases_and_feeds_that_write_together_commit_together_and_each_case_has_its_row_events_audit_and_outbox()
    {
        await using var db = await DatabaseAsync("silo_writes_cases");
        var writes = FeedLogTests.Writes(db);
        var codec = Codec(db);
        var feeds = Enumerable.Range(1, 10).Select(i => FeedLogTests.Log(writes, $"ngo-{i:D2}")).ToList();
        await CaseStore.SaveAsync(writes, codec, NewCase("KG-WARM", "warm-key"), Now);
        var parts = new List<int>();
        using var listener = FeedLogTests.Listen(WriteMetrics.PartsPerCommit, parts);

        var cases = Enumerable.Range(1, 40).Select(i => CaseStore.SaveAsync(writes, codec, NewCase($"KG-{i:D3}", $"key-{i}"), Now)).ToList();
        var deliveries = feeds.Select((log, i) => log.DeliverAsync(FeedLogTests.Delivery($"ngo-{i + 1:D2}", "item"))).ToList();
        await Task.WhenAll([.. cases, .. deliveries]);

        foreach (var saved in cases)
        {
            Assert.Equal(SaveOutcome.Saved, (await saved).Outcome);
        }

        Assert.Equal(41L, await CountAsync(db, "SELECT count(*) FROM cases"));
        Assert.Equal(41L, await CountAsync(db, "SELECT count(*) FROM case_events WHERE seq = 1"));
        Assert.Equal(41L, await CountAsync(db, "SELECT count(*) FROM idempotent_requests"));
        Assert.Equal(41L, await CountAsync(db, "SELECT count(*) FROM audit_log WHERE action = 'Flagged'"));
        // Each case's referral waits in the outbox for its feed (nobody handed it over here); the feeds consumed their own.
        Assert.Equal(41L, await CountAsync(db, "SELECT count(*) FROM feed_outbox WHERE agency_id = 'ngo-case'"));
        Assert.Equal(10L, await CountAsync(db, "SELECT count(*) FROM feed_items"));
        Assert.Equal("Nurzhan Abdyldaeva", (await CaseStore.LoadAsync(db, codec, "KG-040")).Case!.Person!.FullName);
        lock (parts)
        {
            Assert.Contains(parts, p => p > 1);
        }
    }

    [Fact]
    public async Task A_case_whose_key_was_taken_fails_only_itself_and_the_cases_and_feeds_beside_it_are_written_alone()
    {
        await using var db = await DatabaseAsync("silo_writes_refused");
        var writes = FeedLogTests.Writes(db);
        var codec = Codec(db);
        var feed = FeedLogTests.Log(writes, "ngo-a");
        var busy = new[] { FeedLogTests.Log(writes, "ngo-b"), FeedLogTests.Log(writes, "ngo-c") };
        await CaseStore.SaveAsync(writes, codec, NewCase("KG-001", "taken"), Now);
        await feed.DeliverAsync(FeedLogTests.Delivery("ngo-a", "a:1"));
        await FeedLogTests.Busy(busy, "busy:1");
        var refused = new List<long>();
        using var listener = FeedLogTests.Listen(WriteMetrics.PartsRefused, refused);

        // ngo-b's and ngo-c's writes keep the silo's two batches busy, so the three behind them wait and
        // go together; KG-002 claims a key KG-001 holds, which refuses the whole combined batch.
        var (first, hold) = await FeedLogTests.HoldBusyAsync(db, busy, "busy:2");
        var replay = CaseStore.SaveAsync(writes, codec, NewCase("KG-002", "taken"), Now);
        var other = CaseStore.SaveAsync(writes, codec, NewCase("KG-003", "fresh"), Now);
        var item = feed.DeliverAsync(FeedLogTests.Delivery("ngo-a", "a:2"));
        await hold.DisposeAsync();
        await Task.WhenAll(first, replay, other, item);

        var (replayed, replayedFeed) = await replay;
        Assert.Equal(SaveOutcome.IdempotencyKeyTaken, replayed);
        Assert.Empty(replayedFeed);
        Assert.Equal(SaveOutcome.Saved, (await other).Outcome);
        Assert.Equal(["KG-001", "KG-003"], await IdsAsync(db, "SELECT id FROM cases ORDER BY id"));
        Assert.Equal(["a:1", "a:2"], (await FeedStore.SinceAsync(db, "ngo-a", 0, 100)).Select(i => i.Summary));
        Assert.Equal(["busy:1", "busy:2"], (await FeedStore.SinceAsync(db, "ngo-b", 0, 100)).Select(i => i.Summary));
        Assert.Equal(2L, await CountAsync(db, "SELECT count(*) FROM audit_log WHERE action = 'Flagged'"));
        lock (refused)
        {
            Assert.True(refused.Sum() >= 2, "the refused key failed a combined batch, whose parts were made again alone");
        }
    }

    [Fact]
    public async Task A_case_changed_by_another_activation_is_refused_as_a_conflict_inside_a_combined_write()
    {
        await using var db = await DatabaseAsync("silo_writes_conflict");
        var writes = FeedLogTests.Writes(db);
        var codec = Codec(db);
        var busy = new[] { FeedLogTests.Log(writes, "ngo-b"), FeedLogTests.Log(writes, "ngo-c") };
        var flagged = NewCase("KG-001", "k1");
        await CaseStore.SaveAsync(writes, codec, flagged, Now);
        await FeedLogTests.Busy(busy, "busy:1");
        // Another activation moved the case on: version 2 is stored, this one still holds version 1.
        await CaseStore.SaveAsync(writes, codec, Update(flagged.Case, "by the other activation"), Now);

        var (first, hold) = await FeedLogTests.HoldBusyAsync(db, busy, "busy:2");
        var stale = CaseStore.SaveAsync(writes, codec, Update(flagged.Case, "by this one"), Now);
        var other = CaseStore.SaveAsync(writes, codec, NewCase("KG-002", "k2"), Now);
        await hold.DisposeAsync();

        var conflict = await Assert.ThrowsAsync<DomainException>(() => stale);
        Assert.Equal(DomainErrorKind.Conflict, conflict.Kind);
        await Task.WhenAll(first, other);
        Assert.Equal(["by the other activation"], await IdsAsync(db, "SELECT note FROM case_events WHERE case_id = 'KG-001' AND seq = 2"));
        Assert.Equal(["KG-001", "KG-002"], await IdsAsync(db, "SELECT id FROM cases ORDER BY id"));
    }

    internal static CaseChange NewCase(string id, string key)
    {
        var person = new Person("Nurzhan Abdyldaeva", Sex.F, 1993, "KG", "AC1234567", null);
        var view = new CaseView(id, CaseStatus.Flagged, person, "RU", "Moscow", Situation.Detained, ExploitationType.Labour,
            [Need.Shelter], Urgency.Routine, "Chui", Consent.AllOrNone(true), ReportedBy.Consulate, false, "post-ru",
            Now, Now, [], null, 1, "KG");
        var flagged = new CaseEvent(1, CaseEventType.Flagged, Now, "post-ru", "consul", null);
        var referral = new NewFeedItem("ngo-case", $"{id}:referral", FeedItemType.ReferralReceived, FeedItemKind.Alert, id, null, null,
            "Referral", Urgency.Routine, true, "post-ru", new Dictionary<string, string>());
        return new CaseChange(view, null, [flagged], [referral], ["post-ru", "ngo-case"], ("post-ru", key, "hash-" + key),
            Audit: new CaseAudit(new Actor("consul", "post-ru", null), "Flagged", ["person"]));
    }

    /// <summary>A note on <paramref name="held"/>, as the activation that holds it at its version would write it.</summary>
    private static CaseChange Update(CaseView held, string note) =>
        new(held with { Version = held.Version + 1 }, held.Version, [new CaseEvent(2, CaseEventType.Corrected, Now, "post-ru", "consul", note)], [], ["post-ru"]);

    internal static CaseStateCodec Codec(NpgsqlDataSource db)
    {
        var keyRing = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(Path.GetTempPath(), "coordination-silo-writes-keys")),
            b => b.SetApplicationName(CoordinationGrainsExtensions.ApplicationName));
        return new CaseStateCodec(keyRing, new PersonMarkKey(db, keyRing));
    }

    private static async Task<NpgsqlDataSource> DatabaseAsync(string purpose) =>
        CoordinationDatabase.CreateDataSource(await TestDatabase.CreateMigratedAsync(purpose));

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> IdsAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
