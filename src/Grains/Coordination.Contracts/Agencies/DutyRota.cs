using System.Globalization;
using Coordination.Contracts.Common;

namespace Coordination.Contracts.Agencies;

/// <summary>
/// A weekly shift of an agency's duty rota: on each of <see cref="Days"/> from <see cref="From"/> to
/// <see cref="To"/> ("HH:mm", the agency's time zone). A shift whose end is not after its start ends
/// the next day (a night shift); equal times are a 24-hour shift.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.DutyShift")]
public sealed record DutyShift(
    [property: Id(0)] IReadOnlyList<string> Days,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] string Username)
{
    /// <summary>The names of the days of a shift, Monday first, as the contract writes them.</summary>
    public static readonly IReadOnlyList<string> DayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    /// <summary>How a shift writes its start and end: 24-hour clock, minutes.</summary>
    public const string TimeFormat = "HH:mm";

    public static bool TryParseTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
}

/// <summary>Someone on duty instead of the weekly shifts from one instant to another: a holiday, a sick day.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.RotaOverride")]
public sealed record RotaOverride(
    [property: Id(0)] DateTimeOffset From,
    [property: Id(1)] DateTimeOffset To,
    [property: Id(2)] string Username);

/// <summary>Who is on duty for an agency: weekly shifts, and overrides that win over them.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.DutyRota")]
public sealed record DutyRota(
    [property: Id(0)] IReadOnlyList<DutyShift> Shifts,
    [property: Id(1)] IReadOnlyList<RotaOverride> Overrides)
{
    public static readonly DutyRota Empty = new([], []);
}

/// <summary>A time in which nobody is on duty.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.DutyGap")]
public sealed record DutyGap([property: Id(0)] DateTimeOffset From, [property: Id(1)] DateTimeOffset To);

/// <summary>An agency's rota as its users read it, with the gaps of the coming week.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.DutyRotaView")]
public sealed record DutyRotaView(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] string TimeZone,
    [property: Id(2)] IReadOnlyList<DutyShift> Shifts,
    [property: Id(3)] IReadOnlyList<RotaOverride> Overrides,
    [property: Id(4)] IReadOnlyList<DutyGap> Gaps);

/// <summary>Who takes over at <see cref="From"/>; a null <see cref="Username"/> is nobody (a gap).</summary>
[GenerateSerializer, Immutable, Alias("Coordination.NextOnDuty")]
public sealed record NextOnDuty([property: Id(0)] string? Username, [property: Id(1)] DateTimeOffset From);

/// <summary>
/// Who is on duty now (null: nobody) and until when, and who comes next. <see cref="Until"/> and
/// <see cref="Next"/> are null when nothing changes within the coming week.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.OnCall")]
public sealed record OnCall(
    [property: Id(0)] string? OnDuty,
    [property: Id(1)] DateTimeOffset? Until,
    [property: Id(2)] NextOnDuty? Next);

/// <summary>One agency's duty rota (key: the agency id), kept in the <c>duty_rotas</c> table.</summary>
[Alias("Coordination.IDutyRotaGrain")]
public interface IDutyRotaGrain : IGrainWithStringKey
{
    /// <summary>The rota and the gaps of the coming week; null when there is no such agency.</summary>
    [Alias("Get"), ReadOnly]
    Task<DutyRotaView?> Get();

    /// <summary>Replaces the whole rota (validated by the caller) and records who did it; null when there is no such agency.</summary>
    [Alias("Replace")]
    Task<DutyRotaView?> Replace(DutyRota rota, Actor actor);

    /// <summary>Who is on duty at the domain clock's now; null when there is no such agency.</summary>
    [Alias("OnCall"), ReadOnly]
    Task<OnCall?> OnCall();
}
