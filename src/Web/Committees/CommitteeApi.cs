using System.ComponentModel.DataAnnotations;
using System.Text;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Committees;
using Coordination.Contracts.Common;
using Coordination.Web.Auth;
using Coordination.Web.Idempotency;
using Coordination.Web.Errors;
using Coordination.Web.Statistics;
using Coordination.Web.Texts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Coordination.Web.Committees;

/// <summary>Limits of plan imports (section <c>Coordination:Committees:Import</c>).</summary>
public sealed class PlanImportOptions
{
    public const string Section = "Coordination:Committees:Import";

    /// <summary>
    /// Largest CSV accepted. A national plan runs to a few hundred tasks of a few hundred bytes,
    /// more than the 64 KiB allowed for other requests; this endpoint alone gets more.
    /// </summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 1024 * 1024;

    [Range(1, 2000)]
    public int MaxRows { get; set; } = 1000;
}

public static class CommitteeApi
{
    public static IServiceCollection AddCommitteeApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PlanImportOptions>().Bind(configuration.GetSection(PlanImportOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static WebApplication MapCommitteeApi(this WebApplication app)
    {
        var group = app.MapGroup("/api/committees/{id}").WithTags("Committees").RequireAuthorization();
        group.MapPost("/members", AddMember).RequireAuthorization(Secretary);
        group.MapPost("/tasks", AddTask).RequireAuthorization(Secretary);
        group.MapGet("/tasks/{taskId}", GetTask);
        group.MapPatch("/tasks/{taskId}", UpdateTask);
        group.MapGet("/plan", Plan);
        group.MapGet("/plan.csv", ExportPlan).Produces<string>(StatusCodes.Status200OK, PlanCsv.ContentType);
        group.MapPost("/plan/import", ImportPlan).Accepts<string>(PlanCsv.ContentType).RequireAuthorization(Secretary);
        group.MapPost("/meetings", RecordMeeting).RequireAuthorization(Secretary);
        group.MapGet("/meetings", Meetings);
        group.MapGet("/report", Report).RequireAuthorization(CommitteePeople);
        group.MapGet("/report.html", ReportHtml).RequireAuthorization(CommitteePeople).Produces<string>(StatusCodes.Status200OK, "text/html");
        return app;
    }

    private static void Secretary(Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder policy) =>
        policy.RequireRole(Roles.CommitteeSecretary);

    private static void CommitteePeople(Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder policy) =>
        policy.RequireRole(Roles.CommitteeSecretary, Roles.CommitteeMember);

    private static async Task<Results<Created<MemberAdded>, Ok<MemberAdded>, ValidationProblem>> AddMember(
        string id, MemberRequest request, HttpContext http, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var agencyId = errors.Text("agencyId", request.AgencyId, 64);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var result = await Committee(cluster, id).AddMember(agencyId!, Caller(http));
        return result.Added ? TypedResults.Created($"/api/committees/{id}/plan", result) : TypedResults.Ok(result);
    }

    private static async Task<Results<Created<ActionPlanTask>, Ok<ActionPlanTask>, ValidationProblem>> AddTask(
        string id, TaskRequest request, HttpContext http, IClusterClient cluster,
        [FromHeader(Name = IdempotencyFilter.Header)] string? idempotencyKey)
    {
        var errors = new RequestErrors();
        var key = IdempotencyFilter.ReadKey(errors, idempotencyKey);
        var task = request.ToTask(errors, await AgencyIdsAsync(cluster));
        if (task is null || errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var added = await Committee(cluster, id).AddTasks([task], Caller(http), Idempotency(key, task));
        var created = added.Tasks.Single();
        return added.Created ? TypedResults.Created($"/api/committees/{id}/tasks/{created.Id}", created) : TypedResults.Ok(created);
    }

    private static async Task<Ok<ActionPlanTask>> GetTask(string id, string taskId, HttpContext http, IClusterClient cluster) =>
        TypedResults.Ok(await Committee(cluster, id).Task(taskId, Caller(http)));

    private static async Task<Results<Ok<ActionPlanTask>, ValidationProblem>> UpdateTask(
        string id, string taskId, TaskUpdateRequest request, HttpContext http, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var update = request.ToUpdate(errors);
        if (update is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(await Committee(cluster, id).UpdateTask(taskId, update, Caller(http)));
    }

    private static async Task<Ok<ActionPlan>> Plan(string id, HttpContext http, IClusterClient cluster) =>
        TypedResults.Ok(await Committee(cluster, id).Plan(Caller(http)));

    private static async Task<FileContentHttpResult> ExportPlan(string id, HttpContext http, IClusterClient cluster)
    {
        var plan = await Committee(cluster, id).Plan(Caller(http));
        // With the byte order mark, spreadsheets read the UTF-8 (Cyrillic titles) correctly.
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(PlanCsv.Write(plan))).ToArray();
        return TypedResults.File(bytes, $"{PlanCsv.ContentType}; charset=utf-8", $"{id}-plan.csv");
    }

    /// <summary>Imports a plan from CSV: every row valid, or nothing imported and a report of every bad row.</summary>
    private static async Task<Results<Created<TasksAdded>, Ok<TasksAdded>, ValidationProblem, ProblemHttpResult>> ImportPlan(
        string id, HttpContext http, IClusterClient cluster, IOptions<PlanImportOptions> limits,
        [FromHeader(Name = IdempotencyFilter.Header)] string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (!IsCsv(http.Request.ContentType))
        {
            return TypedResults.Problem(title: "Unsupported media type", statusCode: StatusCodes.Status415UnsupportedMediaType,
                detail: $"Send the plan as {PlanCsv.ContentType} (UTF-8).");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limits.Value.MaxBytes;
        }

        var errors = new RequestErrors();
        var key = IdempotencyFilter.ReadKey(errors, idempotencyKey);
        string text;
        try
        {
            using var reader = new StreamReader(http.Request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true));
            text = await reader.ReadToEndAsync(cancellationToken);
        }
        catch (DecoderFallbackException)
        {
            errors.Add("file", "The file is not UTF-8; save it as \"CSV UTF-8\".");
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var tasks = PlanCsv.Read(text, limits.Value.MaxRows, await AgencyIdsAsync(cluster), errors);
        if (tasks is null || errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The plan was not imported", detail: "Nothing was imported; correct the rows listed and send the file again.");
        }

        var added = await Committee(cluster, id).AddTasks(tasks, Caller(http), Idempotency(key, text));
        return added.Created ? TypedResults.Created($"/api/committees/{id}/plan", added) : TypedResults.Ok(added);
    }

    private static async Task<Results<Created<MeetingRecorded>, Ok<MeetingRecorded>, ValidationProblem>> RecordMeeting(
        string id, MeetingRequest request, HttpContext http, IClusterClient cluster,
        [FromHeader(Name = IdempotencyFilter.Header)] string? idempotencyKey)
    {
        var errors = new RequestErrors();
        var key = IdempotencyFilter.ReadKey(errors, idempotencyKey);
        var meeting = request.ToMeeting(errors, await AgencyIdsAsync(cluster));
        if (meeting is null || errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var recorded = await Committee(cluster, id).RecordMeeting(meeting, Caller(http), Idempotency(key, meeting));
        return recorded.Created ? TypedResults.Created($"/api/committees/{id}/meetings", recorded) : TypedResults.Ok(recorded);
    }

    private static async Task<Ok<IReadOnlyList<Meeting>>> Meetings(string id, HttpContext http, IClusterClient cluster) =>
        TypedResults.Ok(await Committee(cluster, id).Meetings(Caller(http)));

    private static async Task<Results<Ok<MonitoringReport>, ValidationProblem>> Report(
        string id, HttpContext http, IClusterClient cluster, string? from = null, string? to = null)
    {
        var errors = new RequestErrors();
        var period = ReportingPeriods.Parse(from, to, errors);
        return period is null
            ? TypedResults.ValidationProblem(errors.ToDictionary())
            : TypedResults.Ok(await Committee(cluster, id).Report(period, Caller(http)));
    }

    private static async Task<Results<ContentHttpResult, ValidationProblem>> ReportHtml(
        string id, HttpContext http, IClusterClient cluster, string? from = null, string? to = null)
    {
        var errors = new RequestErrors();
        var period = ReportingPeriods.Parse(from, to, errors);
        if (period is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var report = await Committee(cluster, id).Report(period, Caller(http));
        // Everything on the page is the server's own markup and encoded text: no script, no outside resource.
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
        return TypedResults.Content(ReportPage.Render(report, ServerTexts.For(http.Request)), "text/html; charset=utf-8");
    }

    private static ICommitteeGrain Committee(IClusterClient cluster, string id) => cluster.GetGrain<ICommitteeGrain>(id);

    private static CommitteeCaller Caller(HttpContext http) =>
        http.User.ToActor(http) is { } actor
            ? new CommitteeCaller(actor, http.User.IsInRole(Roles.CommitteeSecretary), http.User.IsInRole(Roles.CommitteeMember))
            : throw DomainException.Forbidden("Your account belongs to no agency, so it sits on no committee.");

    private static async Task<IReadOnlySet<string>> AgencyIdsAsync(IClusterClient cluster) =>
        (await cluster.GetGrain<IAgencyDirectoryGrain>(0).List()).Select(a => a.Id).ToHashSet(StringComparer.Ordinal);

    private static IdempotentRequest? Idempotency(string? key, object command) =>
        key is null ? null : new IdempotentRequest(key, IdempotencyFilter.Fingerprint(command));

    private static bool IsCsv(string? contentType) =>
        contentType is not null
        && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && string.Equals(media.MediaType.Value, PlanCsv.ContentType, StringComparison.OrdinalIgnoreCase);
}
