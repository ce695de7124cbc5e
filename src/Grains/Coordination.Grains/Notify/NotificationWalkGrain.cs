using System.Text.Json;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Notify;
using Coordination.Grains.Agencies;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Placement;

namespace Coordination.Grains.Notify;

/// <summary>
/// Sends one item's escalation levels (key: the item id). The feed hands it a level when due; it
/// sends the level if the item is still unacknowledged and the level due (quiet hours may hold it),
/// claiming each notification in the database before it leaves, so that a level is sent once even
/// when a silo dies in the middle; then tells the feed when the next level is due. Each level goes
/// by e-mail and Web Push (<see cref="PushSender"/>) to its person (e-mail grouped with the person's other alerts within the group wait, unless
/// Critical: <see cref="GroupedEmails"/>) and, when the agency it concerns has one, to its webhook. Off the feed's
/// path: the feed never waits for a mail server or a gateway. Activated on the silo of the feed that
/// hands it its first level (<see cref="PreferLocalPlacementAttribute"/>), so that a level waits only on
/// its feed's silo: placed anywhere, a walker on a silo that froze held its levels until the silo was
/// declared dead (about a minute) although the feed was alive and handed them out on time.
/// </summary>
[PreferLocalPlacement]
public sealed class NotificationWalkGrain(
    NpgsqlDataSource db,
    EmailSender email,
    GroupedEmails groups,
    WebhookSender webhooks,
    PushSender push,
    IOptions<NotifyOptions> options,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    ILogger<NotificationWalkGrain> logger) : Grain, INotificationWalkGrain
{
    public const string Email = "email";
    public const string Webhook = "webhook";

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

        var recipient = await RecipientAsync(agencyId, policy.Levels[level]);
        var emailRetry = await SendAsync(agencyId, item, level, recipient, zone);
        var webhookRetry = await PostAsync(agencyId, item, level, policy.Levels[level], recipient);
        var pushRetry = await push.SendAsync(agencyId, item, level, recipient);
        if (new[] { emailRetry, webhookRetry, pushRetry }.Where(r => r is not null).Min() is { } retryAt)
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
    private async Task<DateTimeOffset?> SendAsync(string agencyId, NotifiedItem item, int level, string? person, TimeZoneInfo zone)
    {
        if (await NotificationGroupStore.OfAsync(db, item.Id, level, CancellationToken.None) is { } group)
        {
            return await groups.AdvanceAsync(group, item.Id);
        }

        var settings = options.Value;
        var recipient = person ?? string.Empty;
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

        if (groups.WaitFor(item.Urgency) is var wait && wait > TimeSpan.Zero)
        {
            // Held with the claim for the group wait; the group's send settles it.
            return await groups.JoinAsync(recipient, agencyId, item, level, wait);
        }

        var token = await NotificationStore.NewAckLinkAsync(db, agencyId, item.Id, recipient, clock.GetUtcNow(), CancellationToken.None);
        var (subject, body) = NotificationMessages.Single(agencyId, item, level, zone, AckUrl(token));
        try
        {
            await Task.Run(() => email.SendAsync(address, subject, body, CancellationToken.None, NotificationMessages.MessageId(item.Id, level, recipient)));
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

    /// <summary>
    /// POSTs the level to the webhook of the agency it concerns (the other agency of an
    /// <c>agency:{id}</c> level, otherwise the item's), if it has one; each try is logged. The time to
    /// try again when every try failed and attempts remain, otherwise null.
    /// </summary>
    private async Task<DateTimeOffset?> PostAsync(string agencyId, NotifiedItem item, int level, EscalationLevel target, string? person)
    {
        var settings = options.Value;
        var hookAgency = target.Notify.StartsWith(EscalationLevel.AgencyPrefix, StringComparison.Ordinal)
            ? target.Notify[EscalationLevel.AgencyPrefix.Length..]
            : agencyId;
        if (await AgencyWebhookStore.LoadAsync(db, hookAgency) is not { } webhook)
        {
            return null;
        }

        var key = $"{Webhook}:{hookAgency}";
        var claim = await NotificationStore.ClaimAsync(db, agencyId, item.Id, level, key, Webhook, clock.GetUtcNow(), settings.ClaimLease, CancellationToken.None);
        if (claim.Finished)
        {
            return null;
        }

        if (claim.Attempt is not { } attempt)
        {
            return claim.HeldUntil;
        }

        var link = person is null ? null : await NotificationStore.NewAckLinkAsync(db, agencyId, item.Id, person, clock.GetUtcNow(), CancellationToken.None);
        var body = JsonSerializer.SerializeToUtf8Bytes(new WebhookPayload(
            $"{item.Id:N}.{level}.{Webhook}", agencyId, item.Id, item.CaseId, item.TaskId, item.Type, item.Urgency, item.OccurredAt, item.Deadline,
            level, person, link is null ? null : AckUrl(link)), CoordinationJson.Options);
        var host = new Uri(webhook.Url).Host;
        // Tries are numbered on from those of earlier attempts, so the log reads 1, 2, 3, … across them.
        var tries = (attempt - 1) * (settings.WebhookRetries + 1);
        var delivered = await Task.Run(() => webhooks.PostAsync(webhook.Url, webhook.Secret, body,
            outcome => NotificationStore.AppendLogAsync(db, item.Id, level, key, Webhook, host, Interlocked.Increment(ref tries), outcome, clock.GetUtcNow(), CancellationToken.None),
            CancellationToken.None));
        if (delivered)
        {
            await NotificationStore.SettleClaimAsync(db, item.Id, level, key, Webhook, "delivered", final: true, CancellationToken.None);
            logger.LogInformation("Notification level {Level} of item {ItemId} of agency {AgencyId} delivered to the webhook of {HookAgencyId}",
                level, item.Id, agencyId, hookAgency);
            return null;
        }

        var final = attempt >= settings.Attempts;
        await NotificationStore.SettleClaimAsync(db, item.Id, level, key, Webhook, "failed", final, CancellationToken.None);
        logger.LogWarning("Notification level {Level} of item {ItemId} of agency {AgencyId} not delivered to the webhook of {HookAgencyId} (attempt {Attempt})",
            level, item.Id, agencyId, hookAgency, attempt);
        return final ? null : clock.GetUtcNow() + settings.RetryEvery;
    }

    private string AckUrl(string token) => AckUrl(options.Value.DashboardUrl, token);

    /// <summary>The link that acknowledges an item after sign-in: <c>{DashboardUrl}/#/ack/{token}</c>.</summary>
    public static string AckUrl(string dashboardUrl, string token) => $"{dashboardUrl.TrimEnd('/')}/#/ack/{token}";

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

    /// <summary>"a***@ngo.kg": enough to tell addresses apart, not enough to write to.</summary>
    public static string Mask(string address)
    {
        var at = address.LastIndexOf('@');
        return at <= 0 ? "***" : $"{address[0]}***{address[at..]}";
    }
}

/// <summary>The JSON a webhook receives (docs/webhooks.md): ids, type, urgency, times, the recipient's username and link; no personal data.</summary>
public sealed record WebhookPayload(
    string NotificationId, string AgencyId, Guid ItemId, string? CaseId, string? TaskId, FeedItemType Type, Urgency Urgency,
    DateTimeOffset RaisedAt, DateTimeOffset? Deadline, int Level, string? Recipient, string? AckUrl);
