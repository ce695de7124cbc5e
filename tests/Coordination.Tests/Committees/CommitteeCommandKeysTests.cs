using Coordination.Contracts.Common;
using Coordination.Contracts.Committees;
using Coordination.Grains.Committees;
using Coordination.Grains.Idempotency;

namespace Coordination.Tests.Committees;

/// <summary>What a plan command's key, as stored with the other commands' keys, answers to a retry.</summary>
public sealed class CommitteeCommandKeysTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static IdempotencyRecord Stored(string hash, string? resource, int? status = null) => new(hash, status, null, null, resource, At);

    [Fact]
    public void A_retry_replays_the_tasks_or_the_meeting_its_key_created()
    {
        var tasks = CommitteeCommandKeys.Replay(Stored("h1", CommitteeCommandKeys.Tasks("kg-wg", ["t4", "t5"])), "kg-wg", new IdempotentRequest("k", "h1"));
        var meeting = CommitteeCommandKeys.Replay(Stored("h1", CommitteeCommandKeys.Meeting("kg-wg", "m2")), "kg-wg", new IdempotentRequest("k", "h1"));

        Assert.Equal(["t4", "t5"], tasks?.TaskIds);
        Assert.Null(tasks?.MeetingId);
        Assert.Equal("m2", meeting?.MeetingId);
        Assert.Null(CommitteeCommandKeys.Replay(null, "kg-wg", new IdempotentRequest("k", "h1")));
    }

    [Theory]
    [InlineData("other-hash", "committees/kg-wg/tasks/t1", null)]
    [InlineData("h1", "committees/kz-wg/tasks/t1", null)]
    [InlineData("h1", "committees/kg-wg-2/tasks/t1", null)]
    [InlineData("h1", "KG-2026-000001", null)]
    [InlineData("h1", null, 201)]
    [InlineData("h1", null, null)]
    public void A_key_used_for_another_request_committee_or_endpoint_is_refused_with_409(string hash, string? resource, int? status)
    {
        var refused = Assert.Throws<DomainException>(() =>
            CommitteeCommandKeys.Replay(Stored(hash, resource, status), "kg-wg", new IdempotentRequest("k", "h1")));

        Assert.Equal(DomainErrorKind.Conflict, refused.Kind);
    }
}
