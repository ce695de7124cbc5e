using System.Net;

namespace Coordination.Tests.Infrastructure;

/// <summary>
/// Builds the people and organisations of a test through the public API, each with a unique
/// suffix so tests never collide on one database.
/// </summary>
public sealed class Field(Uri webUrl, ApiClient admin)
{
    public const string Password = "correct-horse-battery";
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    public ApiClient Admin { get; } = admin;
    public Uri WebUrl { get; } = webUrl;

    public static async Task<Field> CreateAsync(CoordinationProcesses system) =>
        new(system.WebUrl, await ApiClient.LoginAsync(system.WebUrl, "admin", system.AdminPassword));

    public string Id(string name) => $"{name}-{_suffix}";

    /// <summary>
    /// A home region only this test uses: agencies are global, so a test that routes to "Naryn"
    /// could otherwise pick up another test's Naryn shelter from the same database.
    /// </summary>
    public string Region(string name) => $"{name}-{_suffix}";

    /// <summary>A place code only this test uses (places are global too): capitals, as the directory wants them.</summary>
    public string PlaceCode(string name) => Id(name).ToUpperInvariant();

    /// <summary>Registers a place in the directory and returns its code.</summary>
    public async Task<string> PlaceAsync(string name, string placeName, string kind, string country, string timeZone)
    {
        var code = PlaceCode(name);
        (await Admin.PostAsync("/api/places", new { code, name = placeName, kind, country, timeZone })).Expect(HttpStatusCode.Created);
        return code;
    }

    public async Task<string> AgencyAsync(string name, object agency)
    {
        var id = Id(name);
        var body = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(agency))!.AsObject();
        body["id"] = id;
        (await Admin.PostAsync("/api/agencies", body)).Expect(HttpStatusCode.Created);
        return id;
    }

    /// <summary>Creates a user in the agency and returns a signed-in client.</summary>
    public async Task<ApiClient> UserAsync(string name, string agencyId, params string[] roles)
    {
        var username = Id(name);
        (await Admin.PostAsync("/api/users", new { username, password = Password, displayName = name, agencyId, roles, language = "en" }))
            .Expect(HttpStatusCode.Created);
        return await ApiClient.LoginAsync(WebUrl, username, Password);
    }

    public static object ConsularPost(string country, string hostCountry, string city, string timeZone) =>
        new { name = $"Consulate of {country} in {city}", kind = "ConsularPost", country, hostCountry, city, timeZone };

    public static object Receiving(string kind, string country, string city, string timeZone, string[] regions, string[] airports, string[] services) =>
        new { name = $"{kind} in {city}", kind, country, city, timeZone, servesRegions = regions, airports, services };

    public static Dictionary<string, object?> Flag(
        string fullName, string sex, int birthYear, string citizenship, string currentCountry, string homeRegion,
        string[] needs, string urgency = "Critical", string situation = "Detained", string? passport = "AC1234567", string? phone = "+90 555 111 22 33") =>
        new()
        {
            ["person"] = new { fullName, sex, birthYear, citizenship, passportNumber = passport, phone },
            ["currentCountry"] = currentCountry,
            ["location"] = "Removal centre",
            ["situation"] = situation,
            ["exploitationType"] = "Labour",
            ["needs"] = needs,
            ["urgency"] = urgency,
            ["homeRegion"] = homeRegion,
            // A minor's consent is given by a guardian, as the case requires.
            ["consent"] = DateTime.UtcNow.Year - birthYear < 18
                ? new { given = true, scope = "referral and return", givenBy = "Guardian", guardian = new { fullName = "Gulnara Guardian", relation = "mother" } }
                : (object)new { given = true, scope = "referral and return" },
            ["reportedBy"] = "Consulate",
        };
}
