using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Notify;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Grains.Notify;

/// <summary>
/// Sends one item's escalation levels (key: the item id). The feed hands it a level when due; it
/// sends the level if the item is still unacknowledged and the level due (quiet hours may hold it),
/// claiming each notification in the database before it leaves, so that a level is sent once even
/// when a silo dies in the middle; then tells the feed when the next level is due. Off the feed's
/// path: the feed never waits for a mail server.
/// </summary>
public sealed class NotificationWalkGrain(
    NpgsqlDataSource db,
    EmailSender email,
    IOptions<NotifyOptions> options,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    ILogger<NotificationWalkGrain> logger) : Grain, INotificationWalkGrain
{
    public const string Email = "email";

    public async Task Walk(string agencyId, int level)
    {
        try
        {
            await WalkAsync(agencyId, level);
        }
        catch (Exception ex)
        {
            // The level stays in hand until its lease ends; then the feed hands it out again.
            logger.LogWarning("Notification level {Level} of item {ItemId} of agency {AgencyId} not walked ({Error}); retried after the claim lease",
                level, this.GetPrimaryKey(), agencyId, ex.GetType().Name);
        }
    }

    private async Task WalkAsync(string agencyId, int level)
    {
        var itemId = this.GetPrimaryKey();
        var item = await NotificationStore.ItemAsync(db, agencyId, itemId, CancellationToken.None);
        if (item is null || item.Acknowledged || item.NotifyLevel != level)
        {
            return;
        }

        var feed = GrainFactory.GetGrain<IAgencyFeedGrain>(agencyId);
        var policy = await GrainFactory.GetGrain<IEscalationPolicyGrain>(agencyId).Get();
        if (policy is null || level >= policy.Levels.Count)
        {
            await feed.NotificationWalked(itemId, level, level, null);
            return;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(policy.TimeZone);
        var due = DueAt(item.OccurredAt, item.Urgency, policy.Levels[level].After, policy.QuietHours, zone);
        if (due > clock.GetUtcNow())
        {
            await feed.NotificationWalked(itemId, level, level, due);
            return;
        }

        if (await SendAsync(agencyId, item, level, policy.Levels[level], zone) is { } retryAt)
        {
            await feed.NotificationWalked(itemId, level, level, retryAt);
            return;
        }

        var next = level + 1;
        await feed.NotificationWalked(itemId, level, next,
            next < policy.Levels.Count ? DueAt(item.OccurredAt, item.Urgency, policy.Levels[next].After, policy.QuietHours, zone) : null);
    }

    /// <summary>
    /// When a level comes: <paramref name="after"/> the item was raised; for any item but a
    /// <c>Critical</c> one, at the end of the quiet hours if that falls inside them (agency time).
    /// </summary>
    public static DateTimeOffset DueAt(DateTimeOffset raised, Urgency urgency, TimeSpan after, QuietHours? quiet, TimeZoneInfo zone)
    {
        var due = raised + after;
        if (urgency == Urgency.Critical || quiet is null
            || !DutyShift.TryParseTime(quiet.From, out var from) || !DutyShift.TryParseTime(quiet.To, out var to))
        {
            return due;
        }

        var local = TimeZoneInfo.ConvertTime(due, zone).DateTime;
        var time = TimeOnly.FromDateTime(local);
        var inside = from < to ? time >= from && time < to : time >= from || time < to;
        if (!inside)
        {
            return due;
        }

        // Quiet hours across midnight that began this evening end tomorrow morning.
        var endDay = from > to && time >= from ? local.Date.AddDays(1) : local.Date;
        var end = endDay + to.ToTimeSpan();
        return new DateTimeOffset(end, zone.GetUtcOffset(end));
    }

    /// <summary>Sends the level by e-mail to its person; the time to try again when it failed and tries remain, otherwise null.</summary>
    private async Task<DateTimeOffset?> SendAsync(string agencyId, NotifiedItem item, int level, EscalationLevel target, TimeZoneInfo zone)
    {
        var settings = options.Value;
        var recipient = await RecipientAsync(agencyId, target) ?? string.Empty;
        var claim = await NotificationStore.ClaimAsync(db, agencyId, item.Id, level, recipient, Email, clock.GetUtcNow(), settings.ClaimLease, CancellationToken.None);
        if (claim.Finished)
        {
            return null;
        }

        if (claim.Attempt is not { } attempt)
        {
            // Another walker (on a silo thought dead) holds it: look again when its lease ends.
            return claim.HeldUntil;
        }

        if (recipient.Length == 0)
        {
            await RecordAsync(item.Id, level, recipient, "-", attempt, "nobody on duty", final: true);
            return null;
        }

        var channels = await ChannelStore.LoadAsync(db, recipient);
        if (channels.Email is not { } address || channels.EmailVerifiedAt is null)
        {
            await RecordAsync(item.Id, level, recipient, "-", attempt, "no channel", final: true);
            logger.LogInformation("Notification level {Level} of item {ItemId}: {Username} has no verified e-mail address", level, item.Id, recipient);
            return null;
        }

        var token = await NotificationStore.NewAckLinkAsync(db, agencyId, item.Id, recipient, clock.GetUtcNow(), CancellationToken.None);
        var (subject, body) = Message(agencyId, item, level, zone, token);
        try
        {
            await Task.Run(() => email.SendAsync(address, subject, body, CancellationToken.None, MessageId(item.Id, level, recipient)));
        }
        catch (EmailNotSentException)
        {
            var final = attempt >= settings.Attempts;
            await RecordAsync(item.Id, level, recipient, Mask(address), attempt, "failed", final);
            return final ? null : clock.GetUtcNow() + settings.RetryEvery;
        }

        await RecordAsync(item.Id, level, recipient, Mask(address), attempt, "sent", final: true);
        logger.LogInformation("Notification level {Level} of item {ItemId} of agency {AgencyId} e-mailed to {Username} (attempt {Attempt})",
            level, item.Id, agencyId, recipient, attempt);
        return null;
    }

    private Task RecordAsync(Guid itemId, int level, string recipient, string maskedTo, int attempt, string outcome, bool final) =>
        NotificationStore.RecordAsync(db, itemId, level, recipient, Email, maskedTo, attempt, outcome, final, clock.GetUtcNow(), CancellationToken.None);

    /// <summary>The person a level names, now: a named user, or the person on duty of this or another agency; null for nobody.</summary>
    private async Task<string?> RecipientAsync(string agencyId, EscalationLevel target)
    {
        if (target.Notify.StartsWith(EscalationLevel.UserPrefix, StringComparison.Ordinal))
        {
            return target.Notify[EscalationLevel.UserPrefix.Length..];
        }

        var onDutyOf = target.Notify.StartsWith(EscalationLevel.AgencyPrefix, StringComparison.Ordinal)
            ? target.Notify[EscalationLevel.AgencyPrefix.Length..]
            : agencyId;
        return (await GrainFactory.GetGrain<IDutyRotaGrain>(onDutyOf).OnCall())?.OnDuty;
    }

    /// <summary>
    /// The e-mail: case (or task) id, type, urgency, times and the acknowledgement link — never the
    /// item's summary or anything else that could name or describe the person.
    /// </summary>
    private (string Subject, string Body) Message(string agencyId, NotifiedItem item, int level, TimeZoneInfo zone, string token)
    {
        var reference = item.CaseId ?? item.TaskId ?? item.Id.ToString();
        string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + $" ({zone.Id})";
        var link = $"{options.Value.DashboardUrl.TrimEnd('/')}/#/ack/{token}";
        var subject = $"[{item.Urgency}] {item.Type} {reference}" + (item.Deadline is { } d ? $" - acknowledge by {Local(d)}" : string.Empty);
        var body = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Coordination alert for agency {agencyId} (escalation level {level + 1}), not yet acknowledged.\n\n")
            .Append(CultureInfo.InvariantCulture, $"{(item.CaseId is null ? "Reference" : "Case")}: {reference}\n")
            .Append(CultureInfo.InvariantCulture, $"Type: {item.Type}\n")
            .Append(CultureInfo.InvariantCulture, $"Urgency: {item.Urgency}\n")
            .Append(CultureInfo.InvariantCulture, $"Raised: {Local(item.OccurredAt)}\n")
            .Append(item.Deadline is { } deadline ? $"Acknowledge by: {Local(deadline)}\n" : string.Empty)
            .Append(CultureInfo.InvariantCulture, $"\nAcknowledge it (after signing in; the link works once): {link}\n\n")
            .Append("The details are on the dashboard; this message carries none.\n")
            .ToString();
        return (subject, body);
    }

    /// <summary>The same for every attempt of one notification, so that a mail system may drop a repeat.</summary>
    private static string MessageId(Guid itemId, int level, string recipient) =>
        $"{itemId:N}.{level}.{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(recipient)))[..16]}@coordination";

    /// <summary>"a***@ngo.kg": enough to tell addresses apart, not enough to write to.</summary>
    public static string Mask(string address)
    {
        var at = address.LastIndexOf('@');
        return at <= 0 ? "***" : $"{address[0]}***{address[at..]}";
    }
}
