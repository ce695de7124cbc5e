using System.Text.RegularExpressions;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Notify;

namespace Coordination.Tests.Notify;

/// <summary>
/// Noise control with a fake clock and a real SMTP server: the alerts of one person within the group
/// wait are one e-mail, each level still notified once and its log saying with how many others; a
/// Critical alert never waits.
/// </summary>
[Collection("notify cluster")]
public sealed partial class GroupingNotificationTests(NotifyClusterFixture fixture)
{
    private NotifyClusterFixture.Cluster Cluster => fixture.Grains;

    [Fact]
    public async Task Forty_routine_and_urgent_alerts_within_the_group_wait_are_one_email_while_a_critical_one_goes_at_once()
    {
        var ngo = await NotifyWorld.NgoAsync(Cluster, "charter");
        await NotifyWorld.PolicyAsync(Cluster, ngo.Id, new EscalationPolicy([new(TimeSpan.Zero, EscalationLevel.OnDuty)], null));
        var feed = Cluster.Client.GetGrain<IAgencyFeedGrain>(ngo.Id);

        var raised = new List<FeedItem>();
        for (var i = 0; i < 40; i++)
        {
            raised.Add(await NotifyWorld.RaiseAsync(Cluster, ngo.Id, i % 2 == 0 ? Urgency.Routine : Urgency.Urgent));
        }

        // Every level waits in the person's one group, due when the first Urgent one's shorter wait ends.
        await WaitingAsync(raised);

        var critical = await NotifyWorld.RaiseAsync(Cluster, ngo.Id, Urgency.Critical);
        var atOnce = Assert.Single(await fixture.Inbox.WaitForAsync(ngo.OnDutyAddress));
        Assert.Contains(critical.CaseId!, atOnce.Subject, StringComparison.Ordinal);

        Cluster.Clock.Advance(NotifyClusterFixture.Cluster.UrgentGroupWait);
        await feed.CatchUp();
        var grouped = (await fixture.Inbox.WaitForAsync(ngo.OnDutyAddress, 2))[1];
        var text = await fixture.Inbox.PlainTextAsync(grouped);
        Assert.Contains("40 alerts", grouped.Subject, StringComparison.Ordinal);
        Assert.All(raised, item => Assert.Contains(item.CaseId!, text, StringComparison.Ordinal));
        Assert.DoesNotContain(critical.CaseId!, text, StringComparison.Ordinal);
        Assert.Equal(40, AckLink().Matches(text).Count);
        // (Not inside the links' random tokens, which may spell anything.)
        var readable = AckLink().Replace(grouped.Subject + text, "#/ack/…");
        foreach (var personal in new[] { "Aida", "Karimova", "FRU" })
        {
            Assert.DoesNotContain(personal, readable, StringComparison.OrdinalIgnoreCase);
        }

        // Each level is recorded once, with the message's outcome, and every walk moves on.
        var links = Cluster.Client.GetGrain<INotificationsGrain>(0);
        foreach (var item in raised)
        {
            await NotifyWorld.EventuallyAsync(async () => await NotifyWorld.NotifyAtAsync(Cluster, item.Id) is null);
            var entry = Assert.Single((await links.Log(ngo.Id, item.Id))!);
            Assert.Equal(("email", "sent", 39), (entry.Channel, entry.Outcome, entry.GroupedWith));
        }

        Assert.Null(Assert.Single((await links.Log(ngo.Id, critical.Id))!).GroupedWith);

        // Past every wait, nothing more goes out; each line's link acknowledges its own alert.
        Cluster.Clock.Advance(NotifyClusterFixture.Cluster.RoutineGroupWait);
        await feed.CatchUp();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(2, (await fixture.Inbox.MessagesToAsync(ngo.OnDutyAddress)).Count);
        var line = Lines().Matches(text).Single(m => m.Groups[1].Value == raised[7].CaseId);
        Assert.Equal(AckLinkOutcome.Acknowledged, (await links.UseAckLink(line.Groups[2].Value, ngo.OnDuty)).Outcome);
        Assert.Equal(ngo.OnDuty, (await feed.Since(raised[7].Seq - 1, 1)).Single().AcknowledgedBy);
    }

    [Fact]
    public async Task An_alert_acknowledged_while_its_group_waits_is_left_out_of_the_message()
    {
        var ngo = await NotifyWorld.NgoAsync(Cluster, "leftout");
        await NotifyWorld.PolicyAsync(Cluster, ngo.Id, new EscalationPolicy([new(TimeSpan.Zero, EscalationLevel.OnDuty)], null));
        var feed = Cluster.Client.GetGrain<IAgencyFeedGrain>(ngo.Id);
        var kept = await NotifyWorld.RaiseAsync(Cluster, ngo.Id, Urgency.Routine);
        var acknowledged = await NotifyWorld.RaiseAsync(Cluster, ngo.Id, Urgency.Routine);
        await WaitingAsync([kept, acknowledged]);

        await feed.Acknowledge(acknowledged.Id, ngo.OnDuty);
        Cluster.Clock.Advance(NotifyClusterFixture.Cluster.RoutineGroupWait);
        await feed.CatchUp();

        var message = Assert.Single(await fixture.Inbox.WaitForAsync(ngo.OnDutyAddress));
        Assert.Contains(kept.CaseId!, message.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain(acknowledged.CaseId!, message.Subject + await fixture.Inbox.PlainTextAsync(message), StringComparison.Ordinal);
        var links = Cluster.Client.GetGrain<INotificationsGrain>(0);
        await NotifyWorld.EventuallyAsync(async () => (await links.Log(ngo.Id, kept.Id))!.Count == 1);
        Assert.Null((await links.Log(ngo.Id, kept.Id))![0].GroupedWith);
        Assert.Empty((await links.Log(ngo.Id, acknowledged.Id))!);
    }

    /// <summary>Until each item's walk waits for its group (not for a walker: the hand-off's lease is longer than any group wait).</summary>
    private async Task WaitingAsync(IEnumerable<FeedItem> items)
    {
        var latest = Cluster.Clock.GetUtcNow() + NotifyClusterFixture.Cluster.RoutineGroupWait;
        foreach (var item in items)
        {
            await NotifyWorld.EventuallyAsync(async () => await NotifyWorld.NotifyAtAsync(Cluster, item.Id) is { } at && at <= latest);
        }
    }

    [GeneratedRegex("#/ack/([A-Za-z0-9_-]{43})")]
    private static partial Regex AckLink();

    /// <summary>A line of a grouped e-mail: its case id, then (on the next line) its link's token.</summary>
    [GeneratedRegex(@"- (\S+) ·[^\n]*\n\s+Acknowledge: \S+#/ack/([A-Za-z0-9_-]{43})")]
    private static partial Regex Lines();
}
