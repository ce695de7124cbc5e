using Coordination.Contracts.Feeds;
using Coordination.Grains.Hosting;

namespace Coordination.Grains.Feeds;

/// <summary>One write of a feed's log (<see cref="FeedLog"/>): its statements, and the items they append and settle.</summary>
/// <param name="Settled">Filled by the statements that settle, as the write reads their results.</param>
public sealed record FeedWritePlan(IReadOnlyList<WriteStatement> Statements, List<FeedItem> Appended, List<FeedItem> Settled)
{
    /// <summary>
    /// The statements of one write: the head moves first (see <see cref="FeedLog"/>'s remarks), then everything in the
    /// order it was caused: a change's settlements before its items, so a re-booking settles the old
    /// pickup, not the new one; items whose dedupe key the feed holds (or that the write holds twice) are skipped.
    /// </summary>
    public static FeedWritePlan Of(
        string agencyId, AckOptions ack, long head, IReadOnlyList<FeedDelivery> deliveries, EscalationStore.Escalation escalation, IReadOnlyList<FeedDelivery> onward,
        IReadOnlySet<string> existing, DateTimeOffset now)
    {
        var statements = new List<WriteStatement>();
        var moveHead = FeedStore.MoveHead(agencyId, head, 0);
        statements.Add(WriteStatement.Required(moveHead));
        statements.AddRange(escalation.Updates.Select(u => new WriteStatement(u)));
        statements.AddRange(FeedStore.ToOutbox(onward).Select(c => new WriteStatement(c)));

        var seen = new HashSet<string>(existing, StringComparer.Ordinal);
        var appended = new List<FeedItem>();
        void Append(IReadOnlyList<NewFeedItem> items, DateTimeOffset causedAt)
        {
            var numbered = FeedCarry.Number(head + appended.Count, items, causedAt, seen, ack);
            statements.AddRange(numbered.Select(i => FeedCarry.Insert(agencyId, i)));
            appended.AddRange(numbered.Select(i => i.Item));
        }

        Append(escalation.Own, now);
        var settled = new List<FeedItem>();
        foreach (var delivery in deliveries)
        {
            statements.AddRange(delivery.Settlements.Select(s => FeedCarry.Settle(s, now, settled)));
            Append(delivery.Items, delivery.CausedAt);
        }

        statements.Add(new WriteStatement(FeedStore.ConsumeOutbox(agencyId, deliveries.Select(d => d.ChangeId))));
        moveHead.Parameters["to"].Value = head + appended.Count;
        return new FeedWritePlan(statements, appended, settled);
    }

    public FeedWrite Written(IReadOnlyList<FeedDelivery> onward, int raised, bool more) => new([.. Appended, .. Settled], onward, raised, more);
}
