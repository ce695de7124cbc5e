using Coordination.Contracts.Audit;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Audit;

/// <summary>The audit log, for administrators: who read or changed which personal data of which case, when, from where.</summary>
public static class AuditApi
{
    public const int MaxPage = 1000;

    public static IServiceCollection AddAuditApi(this IServiceCollection services) => services.AddSingleton<AuditStore>();

    public static WebApplication MapAuditApi(this WebApplication app)
    {
        app.MapGet("/api/audit", Query).RequireAuthorization(p => p.RequireRole(Roles.Admin)).WithTags("Audit");
        return app;
    }

    /// <summary>Entries oldest first, in the half-open period [from, to); page on with <c>after</c> = the last id seen.</summary>
    private static async Task<Results<Ok<IReadOnlyList<AuditEntry>>, ValidationProblem>> Query(
        AuditStore audit, CancellationToken cancellationToken,
        string? caseId = null, string? from = null, string? to = null, long after = 0, int limit = 100)
    {
        var errors = new RequestErrors();
        errors.Text("caseId", caseId, 64, required: false);
        var start = errors.Instant("from", from, required: false);
        var end = errors.Instant("to", to, required: false);
        if (start is not null && end is not null && start >= end)
        {
            errors.Add("to", "Must be after 'from': the period is [from, to).");
        }

        if (after < 0)
        {
            errors.Add("after", "Zero or a positive id.");
        }

        if (limit is < 1 or > MaxPage)
        {
            errors.Add("limit", $"Between 1 and {MaxPage}.");
        }

        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(await audit.QueryAsync(new AuditQuery(caseId?.Trim(), start, end, after, limit), cancellationToken));
    }
}
