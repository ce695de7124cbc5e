using System.Globalization;
using System.Security.Claims;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Coordination.Web.Feeds;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Agencies;

public sealed record EscalationLevelRequest(string? After, string? Notify);

public sealed record QuietHoursRequest(string? From, string? To);

public sealed record EscalationRequest(IReadOnlyList<EscalationLevelRequest?>? Levels, QuietHoursRequest? QuietHours);

/// <summary>The policy as its readers see it, with the people a level may name.</summary>
public sealed record EscalationResponse(
    string AgencyId, string TimeZone, IReadOnlyList<EscalationLevel> Levels, QuietHours? QuietHours, IReadOnlyList<RotaMember> Members);

/// <summary>
/// Escalation policies: the agency's own coordinator (or an administrator) writes its policy, every
/// user of the agency (and an administrator) reads it. An account of no agency that is not an
/// administrator is refused (403); another agency's policy is not found (404).
/// </summary>
public static class EscalationApi
{
    public const int MaxLevels = 10;

    /// <summary>The latest a level may come: a week covers any acknowledgement deadline.</summary>
    public static readonly TimeSpan MaxAfter = TimeSpan.FromDays(7);

    public static WebApplication MapEscalationApi(this WebApplication app)
    {
        var group = app.MapGroup("/api/agencies/{id}/escalation").WithTags("Escalation policies").RequireAuthorization();
        group.MapPut("/", Replace).RequireAuthorization(p => p.RequireRole(Roles.AgencyCoordinator, Roles.Admin));
        group.MapGet("/", Get);
        return app;
    }

    private static async Task<Results<Ok<EscalationResponse>, ValidationProblem, ProblemHttpResult>> Replace(
        string id, EscalationRequest request, HttpContext http, IClusterClient cluster, UserAccounts users, CancellationToken cancellationToken)
    {
        if (Readable(http, id) is { } refused)
        {
            return refused;
        }

        var members = await DutyRotaApi.MembersAsync(users, id, cancellationToken);
        var errors = new RequestErrors();
        var levels = new List<EscalationLevel>();
        if (errors.Required("levels", request.Levels) is { } requested)
        {
            if (requested.Count > MaxLevels)
            {
                errors.Add("levels", $"At most {MaxLevels} levels.");
            }

            for (var i = 0; i < requested.Count; i++)
            {
                if (await LevelAsync(errors, $"levels[{i}]", requested[i], members, cluster) is { } level)
                {
                    if (levels.Count > 0 && level.After < levels[^1].After)
                    {
                        errors.Add($"levels[{i}].after", "Not before the level above it: levels come in order.");
                    }

                    levels.Add(level);
                }
            }
        }

        var quiet = request.QuietHours is { } hours ? Quiet(errors, hours) : null;
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var actor = http.User.ToActor(http) ?? new Actor(
            http.User.FindFirstValue(CoordinationClaims.Username) ?? string.Empty, string.Empty, http.Connection.RemoteIpAddress?.ToString());
        var view = await cluster.GetGrain<IEscalationPolicyGrain>(id).Replace(new EscalationPolicy(levels, quiet), actor).WaitAsync(cancellationToken);
        return view is null ? NotFound(id) : TypedResults.Ok(Response(view, members));
    }

    private static async Task<Results<Ok<EscalationResponse>, ProblemHttpResult>> Get(
        string id, HttpContext http, IClusterClient cluster, UserAccounts users, CancellationToken cancellationToken)
    {
        if (Readable(http, id) is { } refused)
        {
            return refused;
        }

        var view = await cluster.GetGrain<IEscalationPolicyGrain>(id).Get().WaitAsync(cancellationToken);
        return view is null ? NotFound(id) : TypedResults.Ok(Response(view, await DutyRotaApi.MembersAsync(users, id, cancellationToken)));
    }

    private static async Task<EscalationLevel?> LevelAsync(
        RequestErrors errors, string field, EscalationLevelRequest? level, IReadOnlyDictionary<string, RotaMember> members, IClusterClient cluster)
    {
        if (errors.Required(field, level) is null)
        {
            return null;
        }

        TimeSpan? after = null;
        if (errors.Required($"{field}.after", level!.After) is { } text)
        {
            if (text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var parsed) && parsed >= TimeSpan.Zero && parsed <= MaxAfter)
            {
                after = parsed;
            }
            else
            {
                errors.Add($"{field}.after", $"A delay from 00:00:00 to {MaxAfter:c} after the item is raised, as [d.]hh:mm:ss, e.g. 00:15:00.");
            }
        }

        string? notify = null;
        switch (errors.Required($"{field}.notify", level.Notify))
        {
            case null:
                break;
            case EscalationLevel.OnDuty:
                notify = EscalationLevel.OnDuty;
                break;
            case { } user when user.StartsWith(EscalationLevel.UserPrefix, StringComparison.Ordinal):
                if (members.ContainsKey(user[EscalationLevel.UserPrefix.Length..]))
                {
                    notify = user;
                }
                else
                {
                    errors.Add($"{field}.notify", $"'{user[EscalationLevel.UserPrefix.Length..]}' is not an enabled user of this agency.");
                }

                break;
            case { } agency when agency.StartsWith(EscalationLevel.AgencyPrefix, StringComparison.Ordinal):
                if (await cluster.GetGrain<IAgencyDirectoryGrain>(0).Get(agency[EscalationLevel.AgencyPrefix.Length..]) is not null)
                {
                    notify = agency;
                }
                else
                {
                    errors.Add($"{field}.notify", $"There is no agency '{agency[EscalationLevel.AgencyPrefix.Length..]}'.");
                }

                break;
            default:
                errors.Add($"{field}.notify", "OnDuty, user:{username} or agency:{id}.");
                break;
        }

        return after is null || notify is null ? null : new EscalationLevel(after.Value, notify);
    }

    private static QuietHours? Quiet(RequestErrors errors, QuietHoursRequest hours)
    {
        var from = Time(errors, "quietHours.from", hours.From);
        var to = Time(errors, "quietHours.to", hours.To);
        if (from is not null && from == to)
        {
            errors.Add("quietHours.to", "Not the same time as from.");
        }

        return from is null || to is null ? null : new QuietHours(from, to);
    }

    private static string? Time(RequestErrors errors, string field, string? text) => DutyRotaApi.TimeOfDay(errors, field, text, "22:00 or 07:00");

    private static EscalationResponse Response(EscalationPolicyView view, IReadOnlyDictionary<string, RotaMember> members) =>
        new(view.AgencyId, view.TimeZone, view.Levels, view.QuietHours,
            members.Values.OrderBy(m => m.DisplayName, StringComparer.CurrentCulture).ToList());

    /// <summary>Null when the caller is an administrator or a user of agency <paramref name="id"/>; otherwise the refusal.</summary>
    internal static ProblemHttpResult? Readable(HttpContext http, string id) =>
        http.User.IsInRole(Roles.Admin) ? null : http.User.ToActor(http) switch
        {
            null => FeedApi.NoAgency(),
            { } actor when !string.Equals(actor.AgencyId, id, StringComparison.Ordinal) => NotFound(id),
            _ => null,
        };

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "Not found", detail: $"Your agency has no escalation policy for agency '{id}'.", statusCode: StatusCodes.Status404NotFound);
}
