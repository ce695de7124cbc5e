using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Idempotency;
using Coordination.Grains.Idempotency;
using Coordination.ServiceDefaults;

namespace Coordination.Tests.Grains;

/// <summary>
/// <see cref="IIdempotencyGrain"/>'s lease-and-complete protocol, and the one table every command's
/// Idempotency-Key lives in — the flag's, claimed in the case's own transaction, included.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class IdempotencyGrainTests(GrainClusterFixture fixture)
{
    private IIdempotencyGrain Keys => fixture.Client.GetGrain<IIdempotencyGrain>(0);

    private static string NewScope() => IdempotencyScope.User($"keys-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_completed_key_replays_its_response_to_the_same_request_and_refuses_a_different_one()
    {
        var scope = NewScope();

        Assert.Equal(IdempotencyClaimKind.Claimed, (await Keys.Begin(scope, "k", "request-a")).Kind);
        var running = await Keys.Begin(scope, "k", "request-a");
        Assert.Equal(IdempotencyClaimKind.InProgress, running.Kind);
        Assert.InRange(running.RetryAfter, TimeSpan.FromSeconds(1), IdempotencyGrain.Lease);

        var response = new IdempotentResponse(201, "/api/agencies/x", "{\"id\":\"x\"}");
        await Keys.Complete(scope, "k", response);

        var replay = await Keys.Begin(scope, "k", "request-a");
        Assert.Equal(IdempotencyClaimKind.Replay, replay.Kind);
        Assert.Equal(response, replay.Response);
        Assert.Equal(IdempotencyClaimKind.DifferentRequest, (await Keys.Begin(scope, "k", "request-b")).Kind);
        Assert.Equal(IdempotencyClaimKind.Claimed, (await Keys.Begin(NewScope(), "k", "request-b")).Kind);
    }

    [Fact]
    public async Task A_released_key_runs_again_and_a_key_whose_holder_died_is_taken_over_once_its_lease_ran_out()
    {
        var scope = NewScope();
        await Keys.Begin(scope, "failed", "request");
        await Keys.Release(scope, "failed");
        Assert.Equal(IdempotencyClaimKind.Claimed, (await Keys.Begin(scope, "failed", "request")).Kind);

        await Keys.Begin(scope, "abandoned", "request");
        fixture.Clock.Advance(IdempotencyGrain.Lease - TimeSpan.FromSeconds(1));
        Assert.Equal(IdempotencyClaimKind.InProgress, (await Keys.Begin(scope, "abandoned", "request")).Kind);
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(IdempotencyClaimKind.Claimed, (await Keys.Begin(scope, "abandoned", "request")).Kind);
        Assert.Equal(IdempotencyClaimKind.InProgress, (await Keys.Begin(scope, "abandoned", "request")).Kind);

        // A completed key is never released nor taken over.
        await Keys.Complete(scope, "abandoned", new IdempotentResponse(200, null, "{}"));
        await Keys.Release(scope, "abandoned");
        fixture.Clock.Advance(IdempotencyGrain.Lease * 2);
        Assert.Equal(IdempotencyClaimKind.Replay, (await Keys.Begin(scope, "abandoned", "request")).Kind);
    }

    [Fact]
    public async Task A_flag_s_key_and_every_other_command_s_key_live_in_the_one_store_and_refuse_each_other()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-keys", "KG");
        await s.Receiving("kg-ngo-keys", "KG", [s.Region("Chui")], [AgencyService.Legal]);
        var scope = IdempotencyScope.Agency(post.Id);

        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Chui"), [Need.Legal]), "flag-key", "flag-hash");
        Assert.Equal(IdempotencyClaimKind.Claimed, (await Keys.Begin(scope, "http-key", "travel-hash")).Kind);

        await using var db = CoordinationDatabase.CreateDataSource(fixture.ConnectionString);
        var flagKey = await IdempotencyStore.FindAsync(db, scope, "flag-key");
        Assert.Equal(("flag-hash", flagged.Id), (flagKey?.Hash, flagKey?.ResourceId));
        var httpKey = await IdempotencyStore.FindAsync(db, scope, "http-key");
        Assert.Equal(("travel-hash", (string?)null), (httpKey?.Hash, httpKey?.ResourceId));

        // One namespace of keys per agency: a key a flag used is taken for any other command, and the other way round.
        Assert.Equal(IdempotencyClaimKind.DifferentRequest, (await Keys.Begin(scope, "flag-key", "flag-hash")).Kind);
        var refused = await Scenario.Refused(() => s.Intake.Flag(s.NewCase("KG", s.Region("Chui"), [Need.Legal]), Scenario.Staff(post), Scenario.EveryDoor, "http-key", "flag-hash"));
        Assert.Equal(DomainErrorKind.Conflict, refused.Kind);
        Assert.Single(await s.Intake.List(new CaseListQuery(post.Id, null, null, 100), Scenario.Staff(post)));
    }
}
