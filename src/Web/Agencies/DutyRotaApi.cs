using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Coordination.Web.Feeds;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Agencies;

public sealed record ShiftRequest(IReadOnlyList<string?>? Days, string? From, string? To, string? Username);

public sealed record RotaOverrideRequest(DateTimeOffset? From, DateTimeOffset? To, string? Username);

public sealed record RotaRequest(IReadOnlyList<ShiftRequest?>? Shifts, IReadOnlyList<RotaOverrideRequest?>? Overrides);

/// <summary>A user the rota may name: one of the agency's enabled accounts.</summary>
public sealed record RotaMember(string Username, string DisplayName);

/// <summary>The rota as the agency's users read it, with the people its editor may put on duty.</summary>
public sealed record RotaResponse(
    string AgencyId, string TimeZone, IReadOnlyList<DutyShift> Shifts, IReadOnlyList<RotaOverride> Overrides,
    IReadOnlyList<DutyGap> Gaps, IReadOnlyList<RotaMember> Members);

/// <summary>
/// Duty rotas: the agency's own coordinator writes its rota, every user of the agency reads it and
/// who is on duty. An account of no agency is refused (403); another agency's rota is not found (404).
/// </summary>
public static class DutyRotaApi
{
    public const int MaxShifts = 100;
    public const int MaxOverrides = 100;

    public static WebApplication MapDutyRotaApi(this WebApplication app)
    {
        var group = app.MapGroup("/api/agencies/{id}").WithTags("Duty rotas").RequireAuthorization();
        group.MapPut("/rota", Replace).RequireAuthorization(p => p.RequireRole(Roles.AgencyCoordinator));
        group.MapGet("/rota", Get);
        group.MapGet("/oncall", OnCallNow);
        return app;
    }

    private static async Task<Results<Ok<RotaResponse>, ValidationProblem, ProblemHttpResult>> Replace(
        string id, RotaRequest request, HttpContext http, IClusterClient cluster, UserAccounts users, CancellationToken cancellationToken)
    {
        if (OwnAgency(http, id) is { } refused)
        {
            return refused;
        }

        var members = await MembersAsync(users, id, cancellationToken);
        var errors = new RequestErrors();
        var shifts = errors.List("shifts", request.Shifts, MaxShifts, required: false)
            .Select((s, i) => Shift(errors, $"shifts[{i}]", s, members)).ToList();
        var overrides = errors.List("overrides", request.Overrides, MaxOverrides, required: false)
            .Select((o, i) => Override(errors, $"overrides[{i}]", o, members)).ToList();
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var view = await cluster.GetGrain<IDutyRotaGrain>(id).Replace(new DutyRota(shifts!, overrides!), http.User.ToActor(http)!)
            .WaitAsync(cancellationToken);
        return view is null ? NotFound(id) : TypedResults.Ok(Response(view, members));
    }

    private static async Task<Results<Ok<RotaResponse>, ProblemHttpResult>> Get(
        string id, HttpContext http, IClusterClient cluster, UserAccounts users, CancellationToken cancellationToken)
    {
        if (OwnAgency(http, id) is { } refused)
        {
            return refused;
        }

        var view = await cluster.GetGrain<IDutyRotaGrain>(id).Get().WaitAsync(cancellationToken);
        return view is null ? NotFound(id) : TypedResults.Ok(Response(view, await MembersAsync(users, id, cancellationToken)));
    }

    private static async Task<Results<Ok<OnCall>, ProblemHttpResult>> OnCallNow(
        string id, HttpContext http, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (OwnAgency(http, id) is { } refused)
        {
            return refused;
        }

        return await cluster.GetGrain<IDutyRotaGrain>(id).OnCall().WaitAsync(cancellationToken) is { } onCall
            ? TypedResults.Ok(onCall)
            : NotFound(id);
    }

    private static DutyShift? Shift(RequestErrors errors, string field, ShiftRequest shift, IReadOnlyDictionary<string, RotaMember> members)
    {
        var days = errors.List($"{field}.days", shift.Days, DutyShift.DayNames.Count);
        if (shift.Days is { Count: 0 })
        {
            errors.Add($"{field}.days", "At least one day.");
        }

        foreach (var day in days.Where(d => !DutyShift.DayNames.Contains(d, StringComparer.Ordinal)))
        {
            errors.Add($"{field}.days", $"'{day}' is not a day; days are {string.Join(", ", DutyShift.DayNames)}.");
        }

        var from = Time(errors, $"{field}.from", shift.From);
        var to = Time(errors, $"{field}.to", shift.To);
        var username = Member(errors, $"{field}.username", shift.Username, members);
        // Stored Monday first whatever order they came in, so an unchanged rota compares equal.
        var ordered = DutyShift.DayNames.Where(days.Contains).ToList();
        return from is null || to is null || username is null ? null : new DutyShift(ordered, from, to, username);
    }

    private static RotaOverride? Override(RequestErrors errors, string field, RotaOverrideRequest entry, IReadOnlyDictionary<string, RotaMember> members)
    {
        var from = errors.Required($"{field}.from", entry.From);
        var to = errors.Required($"{field}.to", entry.To);
        var username = Member(errors, $"{field}.username", entry.Username, members);
        foreach (var (name, value) in new[] { ("from", from), ("to", to) })
        {
            if (value < Instants.Earliest || value > Instants.Latest)
            {
                errors.Add($"{field}.{name}", $"Between {Instants.Earliest:yyyy-MM-dd} and {Instants.Latest:yyyy-MM-dd}.");
            }
        }

        if (from is not null && to is not null && to <= from)
        {
            errors.Add($"{field}.to", "After from.");
        }

        return from is null || to is null || username is null ? null : new RotaOverride(from.Value, to.Value, username);
    }

    private static string? Time(RequestErrors errors, string field, string? text) => TimeOfDay(errors, field, text, "09:00 or 18:30");

    /// <summary>A required time of day as rotas and quiet hours write it (<see cref="DutyShift.TimeFormat"/>); <paramref name="examples"/> in the error.</summary>
    internal static string? TimeOfDay(RequestErrors errors, string field, string? text, string examples)
    {
        if (errors.Required(field, text) is null)
        {
            return null;
        }

        if (!DutyShift.TryParseTime(text, out _))
        {
            errors.Add(field, $"A time of day as {DutyShift.TimeFormat}, e.g. {examples}.");
            return null;
        }

        return text;
    }

    private static string? Member(RequestErrors errors, string field, string? username, IReadOnlyDictionary<string, RotaMember> members)
    {
        if (errors.Required(field, username) is null)
        {
            return null;
        }

        if (!members.ContainsKey(username!))
        {
            errors.Add(field, $"'{username}' is not an enabled user of this agency.");
            return null;
        }

        return username;
    }

    internal static async Task<IReadOnlyDictionary<string, RotaMember>> MembersAsync(UserAccounts users, string agencyId, CancellationToken cancellationToken) =>
        (await users.ListAsync(cancellationToken))
            .Where(u => u.AgencyId == agencyId && !u.Disabled)
            .ToDictionary(u => u.Username, u => new RotaMember(u.Username, u.DisplayName), StringComparer.Ordinal);

    private static RotaResponse Response(DutyRotaView view, IReadOnlyDictionary<string, RotaMember> members) =>
        new(view.AgencyId, view.TimeZone, view.Shifts, view.Overrides, view.Gaps,
            members.Values.OrderBy(m => m.DisplayName, StringComparer.CurrentCulture).ToList());

    /// <summary>Null when the caller is a user of agency <paramref name="id"/>; otherwise the refusal.</summary>
    private static ProblemHttpResult? OwnAgency(HttpContext http, string id) =>
        http.User.ToActor(http) switch
        {
            null => FeedApi.NoAgency(),
            { } actor when !string.Equals(actor.AgencyId, id, StringComparison.Ordinal) => NotFound(id),
            _ => null,
        };

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "Not found", detail: $"Your agency has no rota for agency '{id}'.", statusCode: StatusCodes.Status404NotFound);
}
