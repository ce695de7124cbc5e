using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Committees;

/// <summary>Request bodies and CSV for committee tests.</summary>
public static class Plans
{
    public const string Header = "title,area,ownerAgencyId,dueDate,indicatorName,unit,baseline,target";

    public static object Committee(string country, string city, string timeZone) =>
        new { name = $"National Action Plan working group of {country}", kind = "Committee", country, city, timeZone };

    public static object Agency(string kind, string name, string country, string timeZone) =>
        new { name, kind, country, timeZone };

    /// <summary>A committee of <paramref name="country"/> with its secretary, signed in.</summary>
    public static async Task<(string Id, ApiClient Secretary)> CommitteeWithSecretaryAsync(Field field, string name, string country, string timeZone)
    {
        var id = await field.AgencyAsync(name, Committee(country, "Capital", timeZone));
        return (id, await field.UserAsync($"{name}-secretary", id, "CommitteeSecretary"));
    }

    public static string Row(string title, string area, string owner, string due) => $"{title},{area},{owner},{due},,,,";

    public static string Csv(params string[] rows) => string.Join("\r\n", [Header, .. rows]) + "\r\n";
}
