using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Npgsql;

namespace Coordination.Tests.Grains;

/// <summary>
/// A case grain that finds, when it saves, that another activation of the same case committed first:
/// the one left behind on a silo that froze and was declared dead while a survivor took its calls.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class CaseFailoverTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_save_that_lost_the_race_to_another_activation_is_a_conflict_and_the_grain_reads_the_case_again()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-failover", "KG");
        await s.Receiving("kg-shelter-failover", "KG", [s.Region("Chui")], [AgencyService.Shelter]);
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Chui"), [Need.Shelter]));
        var grain = s.Case(flagged.Id);

        // What the other activation committed: the next timeline event and the next version.
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync();
            await using var other = new NpgsqlCommand(
                "UPDATE cases SET version = version + 1, status = 'Verified', " +
                "state = jsonb_set(jsonb_set(state, '{version}', to_jsonb(version + 1)), '{status}', '\"Verified\"') WHERE id = @id; " +
                "INSERT INTO case_events (case_id, seq, type, at, agency_id, username, note) " +
                "SELECT @id, max(seq) + 1, 'Verified', now(), @post, 'other-activation', NULL FROM case_events WHERE case_id = @id", connection);
            other.Parameters.AddWithValue("id", flagged.Id);
            other.Parameters.AddWithValue("post", post.Id);
            await other.ExecuteNonQueryAsync();
        }

        // This activation still holds the flagged case: its events' seqs are taken, and its version is old.
        var refused = await Scenario.Refused(() => grain.RecordEvent(CaseEventType.Verified, null, flagged.Version, Scenario.Staff(post)));
        Assert.Equal(DomainErrorKind.Conflict, refused.Kind);

        var read = await grain.Get(Scenario.Staff(post));
        Assert.Equal(flagged.Version + 1, read!.Version);
        Assert.Equal(CaseStatus.Verified, read.Status);
        var next = await grain.RecordEvent(CaseEventType.DocumentsIssued, null, read.Version, Scenario.Staff(post));
        Assert.Equal(flagged.Version + 2, next.Version);
        var timeline = await grain.Timeline(Scenario.Staff(post));
        Assert.Equal(Enumerable.Range(1, timeline.Count), timeline.Select(e => e.Seq));
        Assert.Equal([CaseEventType.Verified, CaseEventType.DocumentsIssued], timeline.TakeLast(2).Select(e => e.Type));
    }
}
