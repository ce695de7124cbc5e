using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Idempotency;
using Coordination.Grains.Audit;
using Coordination.Grains.Feeds;
using Coordination.Grains.Hosting;
using Coordination.Grains.Idempotency;
using Coordination.Grains.Statistics;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Cases;

/// <summary>A change to a case and everything it causes, committed together or not at all.</summary>
public sealed record CaseChange(
    CaseView Case,
    int? PreviousVersion,
    IReadOnlyList<CaseEvent> Events,
    IReadOnlyList<NewFeedItem> Feed,
    IReadOnlyList<string> InvolvedAgencies,
    (string AgencyId, string Key, string Hash)? Idempotency = null,
    IReadOnlyList<FeedSettlement>? Settlements = null,
    CaseAudit? Audit = null);

/// <summary>
/// An entry of the append-only audit log: who (user, agency, address) did what to which fields of a
/// case's personal data. <see cref="Detail"/> holds what the action needs on record, e.g. the
/// lawful basis of an erasure.
/// </summary>
public sealed record CaseAudit(Actor Actor, string Action, string[] Fields, string? Detail = null);

public enum SaveOutcome
{
    Saved,
    IdempotencyKeyTaken,
}

/// <summary>The SQL of cases, in one place: loading and saving one case here, the queries over many in CaseStore.Queries.cs.</summary>
public static partial class CaseStore
{
    public static async Task<(CaseView? Case, int LastEventSeq)> LoadAsync(
        NpgsqlDataSource db, CaseStateCodec codec, string caseId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT c.state, (SELECT COALESCE(max(e.seq), 0) FROM case_events e WHERE e.case_id = c.id) FROM cases c WHERE c.id = @id");
        command.Parameters.AddWithValue("id", caseId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (null, 0);
        }

        return (codec.Deserialize(reader.GetString(0)), reader.GetInt32(1));
    }

    /// <summary>What a flag reads before its case exists (<see cref="ReadIntakeAsync"/>).</summary>
    /// <param name="Previous">The request the flag's key was first used for and the case it created; then no number is drawn.</param>
    /// <param name="Number">The new case's number, when the key is new.</param>
    /// <param name="MarkedLike">The cases whose person has the flagged person's name mark: the candidates for the same person.</param>
    public sealed record Intake((string Hash, string? CaseId)? Previous, long Number, IReadOnlyList<CaseView> MarkedLike);

    /// <summary>
    /// What a flag needs before its case exists, in one round trip: the key as an earlier request used
    /// it and the case it created (then no number is drawn), or else a new case number; and the cases
    /// marked like its person (<see cref="CaseStateCodec.PersonMarkAsync"/>), for the re-trafficking signal.
    /// </summary>
    public static async Task<Intake> ReadIntakeAsync(
        NpgsqlDataSource db, CaseStateCodec codec, string agencyId, string? key, string prefix, string? personMark, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);

        // CASE evaluates the volatile numbering function only on the row where no key was found.
        // A sequence WAL-logs every 32nd number, and that read's COMMIT would then wait for a WAL
        // flush (a few milliseconds now and then on this disk, on one flag in 32). It need not: a
        // number only matters once a case holds it, and the case's own COMMIT, later in the WAL,
        // flushes the sequence's advance with it; a number lost in a crash before that was held by
        // no committed case, so drawing it again harms nobody. Hence synchronous_commit off for this
        // transaction only (set_config's third argument), which changes nothing else.
        var number = new NpgsqlBatchCommand(key is null
            ? "SELECT NULL::text, NULL::text, coordination_next_case_number(@prefix) FROM (SELECT set_config('synchronous_commit', 'off', true)) AS one"
            : "SELECT k.request_hash, k.resource_id, CASE WHEN k.key IS NULL THEN coordination_next_case_number(@prefix) END " +
              "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS one LEFT JOIN idempotent_requests k ON k.scope = @scope AND k.key = @key");
        number.Parameters.AddWithValue("prefix", prefix);
        if (key is not null)
        {
            number.Parameters.AddWithValue("scope", IdempotencyScope.Agency(agencyId));
            number.Parameters.AddWithValue("key", key);
        }

        batch.BatchCommands.Add(number);
        if (personMark is not null)
        {
            // The newest first, and a bound: a name and birth year shared by very many cases must not make every flag of it slow.
            var marked = new NpgsqlBatchCommand("SELECT state FROM cases WHERE person_mark = @mark ORDER BY created_at DESC LIMIT 100");
            marked.Parameters.AddWithValue("mark", personMark);
            batch.BatchCommands.Add(marked);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        (string, string?)? previous = reader.IsDBNull(0) ? null : (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
        var drawn = previous is null ? reader.GetInt64(2) : 0;
        var cases = new List<CaseView>();
        if (personMark is not null && await reader.NextResultAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                cases.Add(codec.Deserialize(reader.GetString(0)));
            }
        }

        return new Intake(previous, drawn, cases);
    }

    /// <summary>The request a key was first used for and the case it created (none when it was used for another command).</summary>
    public static async Task<(string Hash, string? CaseId)?> FindIdempotencyKeyAsync(NpgsqlDataSource db, string agencyId, string key, CancellationToken cancellationToken = default)
    {
        var found = await IdempotencyStore.FindAsync(db, IdempotencyScope.Agency(agencyId), key, cancellationToken);
        return found is null ? null : (found.Hash, found.ResourceId);
    }

    /// <summary>
    /// Commits the change in one transaction: idempotency key, case row (guarded by its version),
    /// timeline events, audit entry and the feed entries it causes (to the outbox). Returns those
    /// entries, one delivery per agency, to hand to the feeds. The statements go to the silo's combined
    /// writes (<see cref="SiloWrites"/>): one batch, committed by its end (<see cref="OneRoundTrip"/>),
    /// with whatever other cases and feeds of the silo write meanwhile; a combined write that another
    /// part refused is made again alone. A batch whose answer is lost throws <see cref="CommitOutcomeUnknownException"/>.
    /// </summary>
    public static async Task<(SaveOutcome Outcome, IReadOnlyList<FeedDelivery> Feed)> SaveAsync(
        SiloWrites writes, CaseStateCodec codec, CaseChange change, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var deliveries = Deliveries(change, now);
        var outcome = await SaveAsync(writes, await RowAsync(codec, change, cancellationToken), change, deliveries, [], now, cancellationToken);
        return (outcome, outcome == SaveOutcome.Saved ? deliveries : []);
    }

    /// <summary>
    /// The feed entries a change causes, one delivery per agency. Settlements go before items, so a
    /// re-booked flight settles the old pickup, not the new one.
    /// </summary>
    public static IReadOnlyList<FeedDelivery> Deliveries(CaseChange change, DateTimeOffset now) =>
        FeedDelivery.Of(Guid.CreateVersion7(now), now, change.Settlements ?? [], change.Feed);

    /// <summary>
    /// Commits the change as above, with the parts of <paramref name="deliveries"/> whose feeds reserved
    /// them written to those feeds directly (<paramref name="carried"/>, <see cref="FeedCarry"/>) and the
    /// rest to the outbox, for the case grain to hand to the feeds after COMMIT.
    /// </summary>
    public static async Task<SaveOutcome> SaveAsync(
        SiloWrites writes, CaseRow row, CaseChange change, IReadOnlyList<FeedDelivery> deliveries, IReadOnlyList<CarriedPart> carried,
        DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var c = change.Case;
        var outboxed = deliveries.Where(d => !carried.Any(p => p.Delivery == d)).ToList();
        List<WriteStatement> Statements() =>
        [
            // Feeds' rows before the case's, as in every combined write (SiloWrites).
            .. carried.OrderBy(p => p.Reservation.AgencyId, StringComparer.Ordinal).SelectMany(p => p.Statements(now)),
            .. CaseStore.Statements(change, row, outboxed, now),
        ];

        try
        {
            try
            {
                await writes.WriteAsync(WriteOwner.Case(c.Id), Statements());
            }
            catch (CombinedWriteRefusedException)
            {
                // Nothing was written; whose part failed the batch shows when this one goes alone.
                await writes.WriteAloneAsync(Statements(), cancellationToken);
            }
        }
        catch (PostgresException ex) when (ex.Failed(IdempotencyStore.KeyTaken))
        {
            return SaveOutcome.IdempotencyKeyTaken;
        }
        catch (PostgresException ex) when (ex.Failed(VersionMoved) || ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "case_events_pkey" })
        {
            // Another activation of this case committed first (the one left behind on a silo that
            // froze and was declared dead): its version moved, or its events took these seqs.
            // Nothing of this change is written, and the grain reads the case again.
            throw Changed(c.Id);
        }

        return SaveOutcome.Saved;
    }

    /// <summary>What of a case's row is computed once for a save, however many times its statements are made.</summary>
    public sealed record CaseRow(string State, string? PersonMark);

    /// <summary>The case's row as <paramref name="change"/> leaves it: its state encoded (names sealed), its person mark.</summary>
    public static async Task<CaseRow> RowAsync(CaseStateCodec codec, CaseChange change, CancellationToken cancellationToken = default) =>
        new(codec.Serialize(change.Case), await codec.PersonMarkAsync(change.Case.Citizenship, change.Case.Person, cancellationToken));

    /// <summary>The statements of one save, in order; a save made again alone makes them anew.</summary>
    private static List<WriteStatement> Statements(CaseChange change, CaseRow row, IReadOnlyList<FeedDelivery> deliveries, DateTimeOffset now)
    {
        var statements = new List<WriteStatement>();
        if (change.Idempotency is { } idem)
        {
            statements.Add(WriteStatement.Required(IdempotencyStore.Claim(IdempotencyScope.Agency(idem.AgencyId), idem.Key, idem.Hash, change.Case.Id, now)));
        }

        var c = change.Case;
        var write = change.PreviousVersion is null
            ? new NpgsqlBatchCommand(
                "INSERT INTO cases (id, citizenship, status, urgency, route, flagged_by, agencies, version, state, created_at, updated_at, next_follow_up_at, person_mark, arrival_watch_at, referral_due_at, state_format) " +
                "VALUES (@id, @citizenship, @status, @urgency, @route, @flaggedBy, @agencies, @version, @state, @created, @updated, @nextFollowUp, @personMark, @arrivalWatch, @referralDue, @format)")
            : OneRoundTrip.Require(
                "UPDATE cases SET status = @status, urgency = @urgency, route = @route, agencies = @agencies, version = @version, state = @state, updated_at = @updated, " +
                "next_follow_up_at = @nextFollowUp, person_mark = @personMark, arrival_watch_at = @arrivalWatch, referral_due_at = @referralDue, state_format = @format, " +
                // The retention period runs from the case's first ending until it reopens or its personal data is erased.
                "retention_from = CASE WHEN @retained THEN coalesce(retention_from, @updated) END " +
                "WHERE id = @id AND version = @previous", VersionMoved);
        write.Parameters.AddWithValue("id", c.Id);
        write.Parameters.AddWithValue("citizenship", c.Citizenship);
        write.Parameters.AddWithValue("status", c.Status.ToString());
        write.Parameters.AddWithValue("urgency", c.Urgency.ToString());
        write.Parameters.AddWithValue("route", c.Route.ToString());
        write.Parameters.AddWithValue("flaggedBy", c.FlaggedByAgencyId);
        write.Parameters.AddWithValue("agencies", change.InvolvedAgencies.ToArray());
        write.Parameters.AddWithValue("version", c.Version);
        write.Parameters.AddWithValue("state", NpgsqlDbType.Jsonb, row.State);
        write.Parameters.AddWithValue("created", c.FlaggedAt.UtcDateTime);
        write.Parameters.AddWithValue("updated", c.UpdatedAt.UtcDateTime);
        write.Parameters.AddWithValue("previous", change.PreviousVersion ?? 0);
        write.Parameters.AddWithValue("nextFollowUp", NpgsqlDbType.TimestampTz, (object?)CaseFollowUps.NextDue(c)?.UtcDateTime ?? DBNull.Value);
        write.Parameters.AddWithValue("arrivalWatch", NpgsqlDbType.TimestampTz, (object?)CaseArrivalWatch.Watched(c)?.UtcDateTime ?? DBNull.Value);
        write.Parameters.AddWithValue("referralDue", NpgsqlDbType.TimestampTz, (object?)ReferralExpiry.DueAt(c)?.UtcDateTime ?? DBNull.Value);
        write.Parameters.AddWithValue("personMark", NpgsqlDbType.Text, (object?)row.PersonMark ?? DBNull.Value);
        write.Parameters.AddWithValue("format", CaseStateCodec.Format);
        write.Parameters.AddWithValue("retained", !CaseLifecycle.IsOpen(c.Status) && c.PersonalDataErasedAt is null);
        statements.Add(new WriteStatement(write, ReturnsRows: change.PreviousVersion is not null));

        foreach (var e in change.Events)
        {
            var insert = new NpgsqlBatchCommand(
                "INSERT INTO case_events (case_id, seq, type, at, agency_id, username, note, reason, fields, follow_up, outcome) " +
                "VALUES (@case, @seq, @type, @at, @agency, @user, @note, @reason, @fields, @followUp, @outcome)");
            insert.Parameters.AddWithValue("case", c.Id);
            insert.Parameters.AddWithValue("seq", e.Seq);
            insert.Parameters.AddWithValue("type", e.Type.ToString());
            insert.Parameters.AddWithValue("at", e.At.UtcDateTime);
            insert.Parameters.AddWithValue("agency", e.AgencyId);
            insert.Parameters.AddWithValue("user", e.Username);
            insert.Parameters.AddWithValue("note", NpgsqlDbType.Text, (object?)e.Note ?? DBNull.Value);
            insert.Parameters.AddWithValue("reason", NpgsqlDbType.Text, (object?)e.Reason?.ToString() ?? DBNull.Value);
            insert.Parameters.AddWithValue("fields", NpgsqlDbType.Array | NpgsqlDbType.Text, (object?)e.Fields?.ToArray() ?? DBNull.Value);
            insert.Parameters.AddWithValue("followUp", NpgsqlDbType.Integer, (object?)e.FollowUp ?? DBNull.Value);
            insert.Parameters.AddWithValue("outcome", NpgsqlDbType.Text, (object?)e.Outcome?.ToString() ?? DBNull.Value);
            statements.Add(new WriteStatement(insert));
        }

        // The audit entry rides in the same batch; whatever stops the change below rolls it back too.
        if (change.Audit is { } audit)
        {
            statements.Add(new WriteStatement(AuditStore.Append(NewAuditEntry.By(audit.Actor, [c.Id], audit.Action, audit.Fields, audit.Detail))));
        }

        statements.AddRange(FeedStore.ToOutbox(deliveries).Select(insert => new WriteStatement(insert)));
        return statements;
    }

    /// <summary>The condition that fails a save whose case another activation changed first.</summary>
    private const string VersionMoved = "case version moved";

    private static DomainException Changed(string caseId) =>
        DomainException.Conflict($"Case {caseId} was changed concurrently; reload it and try again.");
}
