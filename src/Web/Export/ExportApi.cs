using System.Globalization;
using System.Text;
using Coordination.Contracts.Export;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Export;

public static class ExportApi
{
    public const int DefaultK = 5;

    public static WebApplication MapExportApi(this WebApplication app)
    {
        app.MapGet("/api/statistics/export.csv", Export)
            .RequireAuthorization(p => p.RequireRole(Roles.Analyst, Roles.Admin, Roles.CommitteeSecretary, Roles.CommitteeMember))
            .WithTags("Statistics");
        return app;
    }

    /// <summary>CSV of cases flagged in [from, to): no direct identifiers, k-anonymous over its quasi-identifiers.</summary>
    private static async Task<Results<FileContentHttpResult, ValidationProblem>> Export(
        IClusterClient cluster, DateTimeOffset? from, DateTimeOffset? to, string? country, int k = DefaultK)
    {
        var errors = new RequestErrors();
        errors.Required("from", from);
        errors.Required("to", to);
        if (from is not null && to is not null && from >= to)
        {
            errors.Add("to", "Must be after 'from': the period is [from, to).");
        }

        errors.Country("country", country, required: false);
        if (k is < 2 or > 100)
        {
            errors.Add("k", "Between 2 and 100.");
        }

        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var export = await cluster.GetGrain<IResearchExportGrain>(0).Export(country, from!.Value, to!.Value, k);
        var csv = new StringBuilder("year,citizenship,sex,ageBand,destinationCountry,exploitationType,homeRegion,outcome\n");
        foreach (var r in export.Records)
        {
            csv.AppendJoin(',', r.Year == 0 ? "*" : r.Year.ToString(CultureInfo.InvariantCulture), Cell(r.Citizenship), Cell(r.Sex), Cell(r.AgeBand),
                Cell(r.DestinationCountry), Cell(r.ExploitationType), Cell(r.HomeRegion), Cell(r.Outcome)).Append('\n');
        }

        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8",
            $"coordination-export-{from.Value:yyyyMMdd}-{to.Value:yyyyMMdd}-k{k}.csv");
    }

    /// <summary>RFC 4180 quoting, and no leading formula characters for spreadsheet users.</summary>
    private static string Cell(string value)
    {
        var safe = value.Length > 0 && "=+-@".Contains(value[0]) ? "'" + value : value;
        return safe.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{safe.Replace("\"", "\"\"")}\"" : safe;
    }
}
