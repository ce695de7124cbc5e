using System.Text.RegularExpressions;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Coordination.Web.Feeds;
using Coordination.Web.Idempotency;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Coordination.Web.Cases;

/// <summary>
/// The case endpoints. Need-to-know in two gates: the role (403 for roles that never work on
/// cases), then the case grain's check that the caller's agency is involved in the case (404
/// otherwise, so an unrelated agency cannot even learn that the case exists). docs/security.md
/// has the whole matrix.
/// </summary>
public static partial class CaseApi
{
    public static IServiceCollection AddCaseApi(this IServiceCollection services) =>
        services.Configure<RouteOptions>(o => o.SetParameterPolicy<CaseIdConstraint>(CaseIdConstraint.Name));

    public static WebApplication MapCaseApi(this WebApplication app)
    {
        var group = app.MapGroup("/api/cases").WithTags("Cases").RequireAuthorization();
        // Flagging honours Idempotency-Key inside the case's own transaction (see ICaseIntakeGrain),
        // so a retry after a crash between commit and response still finds the first case.
        group.MapPost("/", Flag).RequireAuthorization(p => p.RequireRole(Roles.CaseOpeners));
        group.MapGet("/", List).RequireAuthorization(p => p.RequireRole(Roles.CaseWorkers));
        group.MapGet("/counts", Counts).RequireAuthorization(p => p.RequireRole(Roles.CaseWorkers));
        group.MapGet("/{id:caseId}", Get).RequireAuthorization(p => p.RequireRole(Roles.CaseWorkers));
        group.MapGet("/{id:caseId}/timeline", Timeline).RequireAuthorization(p => p.RequireRole(Roles.CaseWorkers));
        group.MapPost("/{id:caseId}/referrals", Refer).RequireAuthorization(p => p.RequireRole(Roles.ConsularOfficer, Roles.NgoCaseworker)).WithIdempotency();
        group.MapPost("/{id:caseId}/referrals/{referralId}/accept", Accept).RequireAuthorization(p => p.RequireRole(Roles.NgoCaseworker)).WithIdempotency();
        group.MapPost("/{id:caseId}/referrals/{referralId}/decline", Decline).RequireAuthorization(p => p.RequireRole(Roles.NgoCaseworker)).WithIdempotency();
        group.MapPost("/{id:caseId}/travel", BookTravel).RequireAuthorization(p => p.RequireRole(Roles.ConsularOfficer)).WithIdempotency();
        group.MapPost("/{id:caseId}/travel/delay", DelayTravel).RequireAuthorization(p => p.RequireRole(Roles.ConsularOfficer)).WithIdempotency();
        group.MapPost("/{id:caseId}/corrections", Correct).RequireAuthorization(p => p.RequireRole(Roles.CaseWorkers)).WithIdempotency();
        group.MapPost("/{id:caseId}/events", RecordEvent).RequireAuthorization(p => p.RequireRole(Roles.CaseWorkers)).WithIdempotency();
        group.MapPut("/{id:caseId}/consent", ChangeConsent).RequireAuthorization(p => p.RequireRole(Roles.CaseWorkers)).WithIdempotency();
        group.MapPost("/{id:caseId}/followups/{n}", RecordFollowUp).RequireAuthorization(p => p.RequireRole(Roles.CaseWorkers)).WithIdempotency();
        group.MapPost("/{id:caseId}/erasure", Erase).RequireAuthorization(p => p.RequireRole(Roles.Admin)).WithIdempotency();
        return app;
    }

    private static async Task<Results<Created<CaseView>, Ok<CaseView>, ValidationProblem, ProblemHttpResult>> Flag(
        FlagCaseRequest request, HttpContext http, IClusterClient cluster, TimeProvider clock,
        [FromHeader(Name = IdempotencyFilter.Header)] string? idempotencyKey)
    {
        var errors = new RequestErrors();
        var key = IdempotencyFilter.ReadKey(errors, idempotencyKey);
        var command = request.ToCommand(errors, clock);
        if (command is null || errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (http.User.ToActor(http) is not { } actor)
        {
            return FeedApi.NoAgency();
        }

        // Which kinds of agency the caller's roles open cases for; the intake checks the caller's agency
        // against them with the directory read it makes anyway, sparing the flag a round trip.
        var opensFor = Roles.OpensCasesFor.Where(door => http.User.IsInRole(door.Key)).SelectMany(door => door.Value).Distinct().ToList();
        var hash = key is null ? null : IdempotencyFilter.Fingerprint(command);
        var result = await cluster.GetGrain<ICaseIntakeGrain>(0).Flag(command, actor, opensFor, key, hash);
        return result.Created
            ? TypedResults.Created($"/api/cases/{result.Case.Id}", result.Case)
            : TypedResults.Ok(result.Case);
    }

    /// <summary>
    /// The caller's agency's cases by case id, after <paramref name="after"/>: optionally of a status or
    /// an urgency or a route, whose id contains <paramref name="q"/> (any case), only open ones, or only
    /// those with an alert of the agency's past its acknowledgement deadline.
    /// </summary>
    private static async Task<Results<Ok<IReadOnlyList<CaseView>>, ValidationProblem, ProblemHttpResult>> List(
        HttpContext http, IClusterClient cluster, string? status = null, string? after = null, int limit = 100,
        string? q = null, string? urgency = null, bool open = false, bool overdue = false, string? route = null)
    {
        var errors = new RequestErrors();
        var wanted = errors.Enumerated<CaseStatus>("status", status, required: false);
        var wantedUrgency = errors.Enumerated<Urgency>("urgency", urgency, required: false);
        var wantedRoute = errors.Enumerated<CaseRoute>("route", route, required: false);
        var search = errors.Text("q", q, 32, required: false);
        if (search is not null && !CaseSearch().IsMatch(search))
        {
            errors.Add("q", "Part of a case id: letters, digits and '-'.");
        }

        if (limit is < 1 or > 500)
        {
            errors.Add("limit", "Between 1 and 500.");
        }

        errors.Text("after", after, 64, required: false);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (http.User.ToActor(http) is not { } actor)
        {
            return FeedApi.NoAgency();
        }

        var query = new CaseListQuery(actor.AgencyId, wanted, after, limit, search, wantedUrgency, open, overdue, wantedRoute);
        return TypedResults.Ok(await cluster.GetGrain<ICaseIntakeGrain>(0).List(query, actor));
    }

    /// <summary>How many of the caller's agency's cases are in each status, every status named (0 when none).</summary>
    private static async Task<Results<Ok<IReadOnlyDictionary<CaseStatus, int>>, ProblemHttpResult>> Counts(HttpContext http, IClusterClient cluster)
    {
        if (http.User.ToActor(http) is not { } actor)
        {
            return FeedApi.NoAgency();
        }

        var counts = await cluster.GetGrain<ICaseIntakeGrain>(0).CountByStatus(actor);
        return TypedResults.Ok<IReadOnlyDictionary<CaseStatus, int>>(Enum.GetValues<CaseStatus>().ToDictionary(s => s, s => counts.GetValueOrDefault(s)));
    }

    [GeneratedRegex(@"^[A-Za-z0-9-]{1,32}\z")]
    private static partial Regex CaseSearch();

    private static async Task<Results<Ok<CaseView>, ProblemHttpResult>> Get(string id, HttpContext http, IClusterClient cluster)
    {
        var actor = RequireActor(http);
        var view = await cluster.GetGrain<ICaseGrain>(id).Get(actor);
        return view is null ? NotFound(id) : TypedResults.Ok(view);
    }

    private static async Task<Ok<IReadOnlyList<CaseEvent>>> Timeline(string id, HttpContext http, IClusterClient cluster) =>
        TypedResults.Ok(await cluster.GetGrain<ICaseGrain>(id).Timeline(RequireActor(http)));

    private static async Task<Results<Created<CaseView>, ValidationProblem>> Refer(string id, ReferralRequest request, HttpContext http, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var referral = request.ToReferral(errors);
        if (referral is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var view = await cluster.GetGrain<ICaseGrain>(id).Refer(referral, RequireActor(http));
        return TypedResults.Created($"/api/cases/{id}", view);
    }

    private static async Task<Ok<CaseView>> Accept(string id, string referralId, HttpContext http, IClusterClient cluster) =>
        TypedResults.Ok(await cluster.GetGrain<ICaseGrain>(id).AnswerReferral(referralId, accept: true, reason: null, RequireActor(http)));

    private static async Task<Results<Ok<CaseView>, ValidationProblem>> Decline(string id, string referralId, DeclineRequest request, HttpContext http, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var reason = errors.Text("reason", request.Reason, 1000);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(await cluster.GetGrain<ICaseGrain>(id).AnswerReferral(referralId, accept: false, reason, RequireActor(http)));
    }

    private static async Task<Results<Ok<CaseView>, ValidationProblem>> BookTravel(
        string id, TravelRequest request, HttpContext http, IClusterClient cluster, TimeProvider clock)
    {
        var errors = new RequestErrors();
        var travel = request.ToTravel(errors, clock);
        if (travel is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(await cluster.GetGrain<ICaseGrain>(id).BookTravel(travel, RequireActor(http)));
    }

    private static async Task<Results<Ok<CaseView>, ValidationProblem>> DelayTravel(
        string id, DelayRequest request, HttpContext http, IClusterClient cluster, TimeProvider clock)
    {
        var errors = new RequestErrors();
        if (request.ToArrival(errors, clock) is not { } arrival)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(await cluster.GetGrain<ICaseGrain>(id).DelayTravel(arrival, RequireActor(http)));
    }

    private static async Task<Results<Ok<CaseView>, ValidationProblem>> Correct(string id, CorrectionRequest request, HttpContext http, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var correction = request.ToCorrection(errors);
        if (correction is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(await cluster.GetGrain<ICaseGrain>(id).Correct(correction, request.ExpectedVersion, RequireActor(http)));
    }

    private static async Task<Results<Ok<CaseView>, ValidationProblem>> RecordEvent(string id, CaseEventRequest request, HttpContext http, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var type = errors.Required("type", request.Type);
        var note = errors.Text("note", request.Note, 1000, required: false);
        var plan = request.Plan.ToPlan(errors);
        if (request.ExpectedVersion is < 1)
        {
            errors.Add("expectedVersion", "A positive version.");
        }

        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(await cluster.GetGrain<ICaseGrain>(id).RecordEvent(type!.Value, note, request.ExpectedVersion, RequireActor(http), request.Reason, plan));
    }

    /// <summary>Records the person's consent anew: the whole answer, as the case should hold it from now on.</summary>
    private static async Task<Results<Ok<CaseView>, ValidationProblem>> ChangeConsent(string id, ConsentChangeRequest request, HttpContext http, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var consent = errors.Required("consent", request.Consent) is { } given ? given.ToConsent(errors, "consent") : null;
        if (request.ExpectedVersion is < 1)
        {
            errors.Add("expectedVersion", "A positive version.");
        }

        if (consent is null || errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(await cluster.GetGrain<ICaseGrain>(id).ChangeConsent(consent, request.ExpectedVersion, RequireActor(http)));
    }

    /// <summary>Records a follow-up's outcome; <paramref name="n"/> is its number, from 1.</summary>
    private static async Task<Results<Ok<CaseView>, ValidationProblem>> RecordFollowUp(
        string id, string n, FollowUpRequest request, HttpContext http, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        if (!int.TryParse(n, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > 1000)
        {
            errors.Add("n", "The follow-up's number: a whole number from 1.");
        }

        var outcome = errors.Required("outcome", request.Outcome);
        var note = errors.Text("note", request.Note, 1000, required: false);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(await cluster.GetGrain<ICaseGrain>(id).RecordFollowUp(number, outcome!.Value, note, RequireActor(http)));
    }

    /// <summary>Erases the person's identifying data from a closed case on a lawful request; the reason is kept in the audit log.</summary>
    private static async Task<Results<Ok<CaseView>, ValidationProblem>> Erase(string id, ErasureRequest request, HttpContext http, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var reason = errors.Text("reason", request.Reason, 1000);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(await cluster.GetGrain<ICaseGrain>(id).ErasePersonalData(reason!, http.User.ToAdministrator(http)));
    }

    private static Actor RequireActor(HttpContext http) =>
        http.User.ToActor(http) ?? throw DomainException.Forbidden("Your account belongs to no agency, so it has no cases.");

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "Not found", detail: $"Case {id} was not found.", statusCode: StatusCodes.Status404NotFound);
}
