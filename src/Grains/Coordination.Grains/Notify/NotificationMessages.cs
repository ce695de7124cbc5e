using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Coordination.Grains.Notify;

/// <summary>An item as one line of a grouped e-mail: the item, its agency's time zone and its acknowledgement link.</summary>
public sealed record GroupedItem(NotifiedItem Item, string AgencyId, TimeZoneInfo Zone, string AckUrl);

/// <summary>
/// The e-mails of notifications: case (or task) id, type, urgency, times and acknowledgement links —
/// never an item's summary or anything else that could name or describe the person.
/// </summary>
public static class NotificationMessages
{
    /// <summary>One item's e-mail.</summary>
    public static (string Subject, string Body) Single(string agencyId, NotifiedItem item, int level, TimeZoneInfo zone, string ackUrl)
    {
        var reference = Reference(item);
        var subject = $"[{item.Urgency}] {item.Type} {reference}" + (item.Deadline is { } d ? $" - acknowledge by {Local(d, zone)}" : string.Empty);
        var body = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Coordination alert for agency {agencyId} (escalation level {level + 1}), not yet acknowledged.\n\n")
            .Append(CultureInfo.InvariantCulture, $"{(item.CaseId is null ? "Reference" : "Case")}: {reference}\n")
            .Append(CultureInfo.InvariantCulture, $"Type: {item.Type}\n")
            .Append(CultureInfo.InvariantCulture, $"Urgency: {item.Urgency}\n")
            .Append(CultureInfo.InvariantCulture, $"Raised: {Local(item.OccurredAt, zone)}\n")
            .Append(item.Deadline is { } deadline ? $"Acknowledge by: {Local(deadline, zone)}\n" : string.Empty)
            .Append(CultureInfo.InvariantCulture, $"\nAcknowledge it (after signing in; the link works once): {ackUrl}\n\n")
            .Append("The details are on the dashboard; this message carries none.\n")
            .ToString();
        return (subject, body);
    }

    /// <summary>
    /// One e-mail for several items (grouping): a line per item, oldest first, each with its own
    /// acknowledgement link, so that each can be acknowledged from the message.
    /// </summary>
    public static (string Subject, string Body) Group(IReadOnlyList<GroupedItem> items)
    {
        var urgent = items.Any(i => i.Item.Urgency != Contracts.Common.Urgency.Routine);
        var subject = $"[{(urgent ? "Urgent" : "Routine")}] {items.Count} alerts not yet acknowledged";
        var body = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{items.Count} Coordination alerts, not yet acknowledged:\n\n");
        foreach (var (item, agencyId, zone, link) in items.OrderBy(i => i.Item.OccurredAt))
        {
            body.Append(CultureInfo.InvariantCulture, $"- {Reference(item)} · {item.Type} · {item.Urgency} · agency {agencyId} · raised {Local(item.OccurredAt, zone)}")
                .Append(item.Deadline is { } deadline ? $" · acknowledge by {Local(deadline, zone)}" : string.Empty)
                .Append(CultureInfo.InvariantCulture, $"\n  Acknowledge: {link}\n");
        }

        body.Append("\nEach link acknowledges its alert after signing in, once. The details are on the dashboard; this message carries none.\n");
        return (subject, body.ToString());
    }

    /// <summary>The same for every attempt of one notification, so that a mail system may drop a repeat.</summary>
    public static string MessageId(Guid itemId, int level, string recipient) =>
        $"{itemId:N}.{level}.{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(recipient)))[..16]}@coordination";

    /// <summary>The same for every attempt of one grouped message.</summary>
    public static string GroupMessageId(Guid groupId) => $"group.{groupId:N}@coordination";

    private static string Reference(NotifiedItem item) => item.CaseId ?? item.TaskId ?? item.Id.ToString();

    private static string Local(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + $" ({zone.Id})";
}
