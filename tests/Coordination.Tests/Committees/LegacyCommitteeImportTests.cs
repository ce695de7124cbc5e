using Coordination.Contracts.Committees;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Committees;
using Coordination.Silo.Database;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Core.Internal;
using Orleans.Storage;

namespace Coordination.Tests.Committees;

/// <summary>
/// Plans stored as Orleans grain state before migration 0011, written here through the real ADO.NET
/// provider as the previous release wrote them, move to <c>committees</c> on their first activation.
/// </summary>
[Collection(CommitteeClusterCollection.Name)]
public sealed class LegacyCommitteeImportTests(CommitteeClusterFixture fixture)
{
    private const string StateName = "committee";

    [Fact]
    public async Task A_plan_stored_as_grain_state_before_0011_moves_to_its_table_with_its_keys_and_its_undelivered_items()
    {
        var w = new CommitteeWorld(fixture);
        var committee = await w.Committee();
        var owner = await w.Agency("tm-legacy");
        var secretary = CommitteeWorld.Secretary(committee);
        var due = w.Today(owner).AddDays(45);
        var (legacy, created) = Legacy(w, committee, owner, secretary, CommitteeWorld.Task("Victim identification guide", owner, due));
        legacy.Outbox.AddRange(CommitteeAlerts.Assignments(committee.Id, committee.Name, created));
        // A List, as the previous release stored it (Newtonsoft records the runtime type of the list).
        legacy.Commands.Add(new CommandRecord(committee.Id, "legacy-1", "hash-l", new List<string> { created[0].Id }, null));
        await Storage.WriteStateAsync(StateName, w.Grain(committee).GetGrainId(), new GrainState<CommitteeState>(legacy));

        var plan = await w.Grain(committee).Plan(secretary);

        Assert.Equal(["Victim identification guide"], plan.Tasks.Select(t => t.Title));
        var assigned = Assert.Single(await w.Feed(owner, FeedItemType.TaskAssigned));
        Assert.Equal(created[0].Id, assigned.TaskId);
        var replay = await w.Grain(committee).AddTasks([CommitteeWorld.Task("Victim identification guide", owner, due)], secretary, new IdempotentRequest("legacy-1", "hash-l"));
        Assert.False(replay.Created);
        Assert.Equal([created[0].Id], replay.Tasks.Select(t => t.Id));
        Assert.False((await ReadLegacyAsync(w, committee)).RecordExists);

        // A later activation reads the table, not the cleared grain state, and delivers nothing twice.
        await w.Grain(committee).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Single((await w.Grain(committee).Plan(secretary)).Tasks);
        await w.Client.GetGrain<IAgencyFeedGrain>(owner.Id).CatchUp();
        Assert.Single(await w.Feed(owner, FeedItemType.TaskAssigned));
    }

    [Fact]
    public async Task A_plan_broken_by_an_area_outside_the_enumeration_is_repaired_by_0007_and_then_moved()
    {
        var w = new CommitteeWorld(fixture);
        var committee = await w.Committee("tj-repair", "TJ", "Asia/Dushanbe");
        var owner = await w.Agency("tj-prosecutor", "Asia/Dushanbe", country: "TJ");
        var secretary = CommitteeWorld.Secretary(committee);
        var (legacy, _) = Legacy(w, committee, owner, secretary,
            CommitteeWorld.Task("Joint investigation teams", owner, w.Today(owner).AddDays(30), ActionPlanArea.Prosecution));
        await Storage.WriteStateAsync(StateName, w.Grain(committee).GetGrainId(), new GrainState<CommitteeState>(legacy));

        // Planted as the bug stored it ("Prosecution, Coordination" read as 2 | 4), then repaired by
        // migration 0007 as a database older than it is at the upgrade.
        Assert.Equal(1, await ExecuteAsync(
            """
            UPDATE orleansstorage
            SET payloadbinary = convert_to(replace(convert_from(payloadbinary, 'UTF8'), '"Area":2,', '"Area":6,'), 'UTF8')
            WHERE graintypestring = 'committee' AND grainidextensionstring = @committee
            """, committee.Id));
        await ExecuteAsync(DatabaseMigrator.LoadMigrations().Single(m => m.Version == "0007_out_of_range_areas").Sql, committee.Id);

        var task = Assert.Single((await w.Grain(committee).Plan(secretary)).Tasks);

        Assert.Equal(ActionPlanArea.Coordination, task.Area);
        Assert.Equal("Joint investigation teams", task.Title);
        await w.Grain(committee).UpdateTask(task.Id, new ActionPlanTaskUpdate(ActionPlanTaskStatus.InProgress, null, null, null), secretary);
    }

    private IGrainStorage Storage => fixture.SiloServices.GetRequiredKeyedService<IGrainStorage>(LegacyCommitteeImport.Provider);

    /// <summary>A plan with one task, as the previous release held it.</summary>
    private static (CommitteeState Plan, List<PlanTaskState> Created) Legacy(
        CommitteeWorld w, Contracts.Agencies.Agency committee, Contracts.Agencies.Agency owner, CommitteeCaller secretary, NewActionPlanTask task)
    {
        var plan = new CommitteeState();
        var created = ActionPlanRules.AddTasks(plan, committee.Id, [task], new Dictionary<string, Contracts.Agencies.Agency> { [owner.Id] = owner },
            secretary.Actor, w.Clock.GetUtcNow(), meetingId: null, new WorkingWeek(new HashSet<DayOfWeek> { DayOfWeek.Monday }, TimeSpan.FromHours(9)));
        return (plan, created);
    }

    private async Task<GrainState<CommitteeState>> ReadLegacyAsync(CommitteeWorld w, Contracts.Agencies.Agency committee)
    {
        var state = new GrainState<CommitteeState>(new CommitteeState());
        await Storage.ReadStateAsync(StateName, w.Grain(committee).GetGrainId(), state);
        return state;
    }

    private async Task<int> ExecuteAsync(string sql, string committee)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("committee", committee);
        return await command.ExecuteNonQueryAsync();
    }
}
