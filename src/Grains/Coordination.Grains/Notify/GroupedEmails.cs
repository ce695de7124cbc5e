using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Contracts.Notify;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Grains.Notify;

/// <summary>
/// Noise control: the e-mail levels of Routine and Urgent items to one person within the group wait
/// go out as one message (a charter flight with 40 returnees is one e-mail, not 40). A level joins its
/// recipient's open group instead of being sent; when the group is due, the first of its walkers to
/// claim its send sends it, and its outcome settles every level it carried at once, so each level is
/// still sent exactly once. <c>Critical</c> items never wait.
/// </summary>
public sealed class GroupedEmails(
    NpgsqlDataSource db,
    EmailSender email,
    IGrainFactory grains,
    IOptions<NotifyOptions> options,
    IOptions<GroupWaitOptions> waits,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    ILogger<GroupedEmails> logger)
{
    /// <summary>How long an e-mail of this urgency waits for others to the same person; zero when it goes at once.</summary>
    public TimeSpan WaitFor(Urgency urgency) => waits.Value.For(urgency, options.Value.GroupWait);

    /// <summary>Adds the level, claimed, to its recipient's group: the group's due time, when its walker looks again.</summary>
    public async Task<DateTimeOffset> JoinAsync(string recipient, string agencyId, NotifiedItem item, int level, TimeSpan wait)
    {
        var now = clock.GetUtcNow();
        var group = await NotificationGroupStore.JoinAsync(db, recipient, NotificationWalkGrain.Email, item.Id, level, agencyId, now, now + wait, CancellationToken.None);
        return group.DueAt;
    }

    /// <summary>
    /// Carries on the group a level joined: sends it when due and nobody else is; null once it has an
    /// outcome (the level's claim is settled with it), otherwise when to look again.
    /// </summary>
    public async Task<DateTimeOffset?> AdvanceAsync(NotificationGroup group, Guid walkingItem)
    {
        if (group.Outcome is not null)
        {
            return null;
        }

        var settings = options.Value;
        var now = clock.GetUtcNow();
        var (attempt, current) = await NotificationGroupStore.TakeSendAsync(db, group.Id, now, settings.ClaimLease, CancellationToken.None);
        if (attempt is not { } taken)
        {
            return current is null || current.Outcome is not null ? null : current.SendingSince is { } since ? since + settings.ClaimLease : current.DueAt;
        }

        var members = await NotificationGroupStore.MembersAsync(db, group.Id, CancellationToken.None);
        var carried = members.Where(m => m.Item is { Acknowledged: false } item && item.NotifyLevel == m.Level).ToList();
        var leftOut = members.Except(carried).ToList();
        var channels = await ChannelStore.LoadAsync(db, group.Recipient);
        if (carried.Count == 0 || channels.Email is not { } address || channels.EmailVerifiedAt is null)
        {
            // Everything acknowledged while the group waited, or the address removed meanwhile.
            var outcome = carried.Count == 0 ? "acknowledged" : "no channel";
            await SettleAsync(group, carried, leftOut, "-", taken, outcome, final: true, now);
            return null;
        }

        var lines = new List<GroupedItem>();
        var zones = new Dictionary<string, TimeZoneInfo>(StringComparer.Ordinal);
        foreach (var member in carried)
        {
            if (!zones.TryGetValue(member.AgencyId, out var zone))
            {
                var policy = await grains.GetGrain<IEscalationPolicyGrain>(member.AgencyId).Get();
                zones[member.AgencyId] = zone = TimeZoneInfo.FindSystemTimeZoneById(policy?.TimeZone ?? "UTC");
            }

            var token = await NotificationStore.NewAckLinkAsync(db, member.AgencyId, member.ItemId, group.Recipient, now, CancellationToken.None);
            lines.Add(new GroupedItem(member.Item!, member.AgencyId, zone, NotificationWalkGrain.AckUrl(settings.DashboardUrl, token)));
        }

        var (subject, body) = lines.Count == 1
            ? NotificationMessages.Single(lines[0].AgencyId, lines[0].Item, carried[0].Level, lines[0].Zone, lines[0].AckUrl)
            : NotificationMessages.Group(lines);
        var masked = NotificationWalkGrain.Mask(address);
        try
        {
            await Task.Run(() => email.SendAsync(address, subject, body, CancellationToken.None, NotificationMessages.GroupMessageId(group.Id)));
        }
        catch (EmailNotSentException)
        {
            var final = taken >= settings.Attempts;
            await SettleAsync(group, carried, leftOut, masked, taken, "failed", final, now);
            return final ? null : now + settings.RetryEvery;
        }

        await SettleAsync(group, carried, leftOut, masked, taken, "sent", final: true, now);
        logger.LogInformation("Grouped e-mail {GroupId} of {Count} notifications sent to {Username} (attempt {Attempt})", group.Id, carried.Count, group.Recipient, taken);

        // The other levels' walkers move on now rather than at the time they were told to look again.
        foreach (var member in carried.Where(m => m.ItemId != walkingItem))
        {
            grains.GetGrain<INotificationWalkGrain>(member.ItemId).Walk(member.AgencyId, member.Level).Ignore();
        }

        return null;
    }

    private Task SettleAsync(
        NotificationGroup group, IReadOnlyList<GroupMember> carried, IReadOnlyList<GroupMember> leftOut, string masked, int attempt, string outcome, bool final,
        DateTimeOffset now) =>
        NotificationGroupStore.SettleAsync(db, group, NotificationWalkGrain.Email, carried, leftOut, "acknowledged", masked, attempt, outcome, final, now,
            now + options.Value.RetryEvery, CancellationToken.None);
}
