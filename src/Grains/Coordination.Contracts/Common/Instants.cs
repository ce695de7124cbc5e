using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Coordination.Contracts.Common;

/// <summary>
/// The one rule for times in the product (api.md): an ISO-8601 date-time with its offset
/// (<c>Z</c> or <c>±hh:mm</c>), within a window that makes sense for the field. A time without an
/// offset is ambiguous by hours — the arrival the airport team waits for would be wrong — so it is
/// refused rather than guessed.
/// </summary>
public static partial class Instants
{
    /// <summary>No time in this product lies before it: the system, and the records it holds, are younger.</summary>
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>No period asked about ends after it (statistics, reports and the audit log use the same bounds).</summary>
    public static readonly DateTimeOffset Latest = new(2101, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far ahead a flight may be booked: airlines sell about a year ahead; two leaves room and refuses years such as 9999.</summary>
    public static readonly TimeSpan ScheduledArrivalAhead = TimeSpan.FromDays(731);

    /// <summary>How far back a scheduled arrival may be recorded: a booking entered late, not a return of years ago.</summary>
    public static readonly TimeSpan ScheduledArrivalBehind = TimeSpan.FromDays(30);

    /// <summary>The first and last day of a committee's plan dates (due dates, meetings).</summary>
    public static readonly DateOnly EarliestPlanDate = DateOnly.FromDateTime(Earliest.UtcDateTime);
    public static readonly DateOnly LatestPlanDate = new(2100, 12, 31);

    public const string Explanation = "An ISO-8601 date-time with its offset, e.g. 2026-03-20T08:30:00+06:00 or 2026-03-20T02:30:00Z.";

    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is not null
            && Pattern().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    /// <summary>Why <paramref name="arrival"/> is not a scheduled arrival at <paramref name="now"/>; null when it is one.</summary>
    public static string? RefuseScheduledArrival(DateTimeOffset arrival, DateTimeOffset now)
    {
        var earliest = now - ScheduledArrivalBehind;
        var latest = now + ScheduledArrivalAhead;
        return arrival < earliest || arrival > latest
            ? $"Between {earliest:yyyy-MM-dd} and {latest:yyyy-MM-dd}: at most {ScheduledArrivalBehind.TotalDays:0} days ago and {ScheduledArrivalAhead.TotalDays:0} days ahead."
            : null;
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2})\z")]
    private static partial Regex Pattern();
}

/// <summary>JSON for every <see cref="DateTimeOffset"/>: read by <see cref="Instants"/>, written in ISO-8601 with the offset.</summary>
public sealed class InstantConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && Instants.TryParse(reader.GetString(), out var value)
            ? value
            : throw new JsonException(Instants.Explanation);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
