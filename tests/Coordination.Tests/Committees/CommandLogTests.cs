using Coordination.Contracts.Common;
using Coordination.Contracts.Committees;
using Coordination.Grains.Committees;

namespace Coordination.Tests.Committees;

/// <summary>The plan's command log on its own: replays by key, refuses a reused key, keeps the most recent.</summary>
public sealed class CommandLogTests
{
    private static PlanTaskState Task(string id) => new() { Id = id };

    [Fact]
    public void A_command_under_a_known_key_replays_what_it_created_for_that_agency_only()
    {
        var log = new List<CommandRecord>();
        CommandLog.Remember(log, "kg-wg", new IdempotentRequest("k1", "h1"), [Task("t1"), Task("t2")], "m1");

        var replayed = CommandLog.Replay(log, "kg-wg", new IdempotentRequest("k1", "h1"));

        Assert.Equal(new[] { "t1", "t2" }, replayed?.TaskIds);
        Assert.Equal("m1", replayed?.MeetingId);
        Assert.Null(CommandLog.Replay(log, "tm-wg", new IdempotentRequest("k1", "h1")));
        Assert.Null(CommandLog.Replay(log, "kg-wg", new IdempotentRequest("k2", "h1")));
        Assert.Null(CommandLog.Replay(log, "kg-wg", null));
    }

    [Fact]
    public void A_key_reused_for_a_different_request_is_refused_with_409()
    {
        var log = new List<CommandRecord>();
        CommandLog.Remember(log, "kg-wg", new IdempotentRequest("k1", "h1"), [Task("t1")], null);

        var refused = Assert.Throws<DomainException>(() => CommandLog.Replay(log, "kg-wg", new IdempotentRequest("k1", "other")));

        Assert.Equal(DomainErrorKind.Conflict, refused.Kind);
    }

    [Fact]
    public void Commands_without_a_key_are_not_logged_and_only_the_most_recent_keys_are_kept()
    {
        var log = new List<CommandRecord>();
        CommandLog.Remember(log, "kg-wg", null, [Task("t0")], null);
        for (var i = 1; i <= CommandLog.Kept + 2; i++)
        {
            CommandLog.Remember(log, "kg-wg", new IdempotentRequest($"k{i}", "h"), [Task($"t{i}")], null);
        }

        Assert.Equal(CommandLog.Kept, log.Count);
        Assert.Null(CommandLog.Replay(log, "kg-wg", new IdempotentRequest("k2", "h")));
        Assert.Equal(new[] { "t3" }, CommandLog.Replay(log, "kg-wg", new IdempotentRequest("k3", "h"))?.TaskIds);
    }
}
