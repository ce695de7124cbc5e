using System.Net;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.EndToEnd;

/// <summary>Bad input gets a clear 4xx problem detail and changes nothing.</summary>
[Collection("system")]
public sealed class BadInputTests(SystemFixture fixture)
{
    private const string ValidPerson = """{"fullName":"Test Person","sex":"F","birthYear":1990,"citizenship":"KG"}""";

    public static TheoryData<string, string, HttpStatusCode> CaseBodies => new()
    {
        { "malformed JSON", """{"person": """, HttpStatusCode.BadRequest },
        { "not an object", "[1,2,3]", HttpStatusCode.BadRequest },
        { "empty object", "{}", HttpStatusCode.BadRequest },
        { "unknown field", Body(extra: "\"urgncy\":\"Critical\""), HttpStatusCode.BadRequest },
        { "wrong enum", Body(urgency: "\"VeryUrgent\""), HttpStatusCode.BadRequest },
        { "enum as number", Body(urgency: "2"), HttpStatusCode.BadRequest },
        { "wrong type", Body(person: """{"fullName":"Test Person","sex":"F","birthYear":"nineteen","citizenship":"KG"}"""), HttpStatusCode.BadRequest },
        { "missing name", Body(person: """{"sex":"F","birthYear":1990,"citizenship":"KG"}"""), HttpStatusCode.BadRequest },
        { "impossible birth year", Body(person: """{"fullName":"Test Person","sex":"F","birthYear":2999,"citizenship":"KG"}"""), HttpStatusCode.BadRequest },
        { "bad country", Body(currentCountry: "\"Turkey\""), HttpStatusCode.BadRequest },
        { "unknown country", Body(currentCountry: "\"QQ\""), HttpStatusCode.BadRequest },
        { "control characters", Body(location: "\"Istanbul\\u0000\\u0007\""), HttpStatusCode.BadRequest },
        { "null need", Body(needs: "[\"Shelter\",null]"), HttpStatusCode.BadRequest },
        { "consent missing given", Body(consent: "{}"), HttpStatusCode.BadRequest },
        { "oversized body", Body(location: "\"" + new string('x', 200_000) + "\""), HttpStatusCode.RequestEntityTooLarge },
    };

    [Theory]
    [MemberData(nameof(CaseBodies))]
    public async Task A_bad_flag_is_a_problem_detail_and_changes_nothing(string why, string body, HttpStatusCode expected)
    {
        var (consul, _) = await ConsulAsync();
        var before = await fixture.CountRowsAsync();

        var response = await consul.PostRawAsync("/api/cases", body);

        response.ExpectProblem(expected);
        Assert.True(why.Length > 0);
        Assert.Equal(before, await fixture.CountRowsAsync());
    }

    [Theory]
    [InlineData("{\"person\":{\"fullName\":\"A\",\"sex\":\"F\",\"birthYear\":\"nineteen\",\"citizenship\":\"KG\"}}", "person.birthYear")]
    [InlineData("{\"urgency\":\"VeryUrgent\"}", "urgency")]
    [InlineData("{\"urgncy\":\"Critical\"}", "urgncy")]
    public async Task A_value_of_the_wrong_type_is_reported_against_its_field(string body, string field)
    {
        var (consul, _) = await ConsulAsync();
        var response = (await consul.PostRawAsync("/api/cases", body)).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.True(response.Json!["errors"]!.AsObject().ContainsKey(field), response.Body);
    }

    [Fact]
    public async Task A_flag_with_the_wrong_media_type_is_415_and_changes_nothing()
    {
        var (consul, _) = await ConsulAsync();
        var before = await fixture.CountRowsAsync();
        (await consul.PostRawAsync("/api/cases", Body(), "text/plain")).ExpectProblem(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(before, await fixture.CountRowsAsync());
    }

    [Fact]
    public async Task Validation_errors_name_every_bad_field()
    {
        var (consul, _) = await ConsulAsync();
        var response = (await consul.PostRawAsync("/api/cases", Body(currentCountry: "\"tr\"", location: "\"\"")))
            .ExpectProblem(HttpStatusCode.BadRequest);
        var errors = response.Json!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("currentCountry"), response.Body);
        Assert.True(errors.ContainsKey("location"), response.Body);
    }

    [Fact]
    public async Task Without_a_token_the_api_answers_401_and_without_the_role_403()
    {
        using var anonymous = new ApiClient(fixture.System.WebUrl);
        (await anonymous.GetAsync("/api/feed")).ExpectProblem(HttpStatusCode.Unauthorized);
        using var forged = new ApiClient(fixture.System.WebUrl, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl");
        (await forged.GetAsync("/api/feed")).ExpectProblem(HttpStatusCode.Unauthorized);

        var field = await Field.CreateAsync(fixture.System);
        var ngo = await field.AgencyAsync("ngo", Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", [field.Region("Chui")], [], ["Shelter"]));
        using var officerOfAnNgo = await field.UserAsync("officer", ngo, "ConsularOfficer");
        // Every door opens cases (NGO caseworkers too); an analyst's role opens none.
        using var analyst = await field.UserAsync("analyst", ngo, "Analyst");

        var before = await fixture.CountRowsAsync();
        (await analyst.PostRawAsync("/api/cases", Body())).ExpectProblem(HttpStatusCode.Forbidden);
        (await officerOfAnNgo.PostRawAsync("/api/cases", Body())).ExpectProblem(HttpStatusCode.Forbidden);
        Assert.Equal(before, await fixture.CountRowsAsync());
    }

    [Fact]
    public async Task Bad_agencies_users_travel_and_acks_are_rejected_without_changes()
    {
        var (consul, worker) = await ConsulAsync();
        var field = await Field.CreateAsync(fixture.System);
        var before = await fixture.CountRowsAsync();

        (await field.Admin.PostAsync("/api/agencies", new { id = "Bad Id!", name = "x", kind = "Ngo", country = "KG", timeZone = "Asia/Bishkek" }))
            .ExpectProblem(HttpStatusCode.BadRequest);
        (await field.Admin.PostAsync("/api/agencies", new { id = field.Id("tz"), name = "x", kind = "Ngo", country = "KG", timeZone = "Mars/Olympus" }))
            .ExpectProblem(HttpStatusCode.BadRequest);
        (await field.Admin.PostAsync("/api/agencies", new { id = field.Id("air"), name = "x", kind = "Ngo", country = "KG", timeZone = "Asia/Bishkek", airports = new[] { "frunze" } }))
            .ExpectProblem(HttpStatusCode.BadRequest);
        (await field.Admin.PostAsync("/api/users", new { username = field.Id("u"), password = "short", displayName = "x", agencyId = "nope", roles = new[] { "Wizard" }, language = "fr" }))
            .ExpectProblem(HttpStatusCode.BadRequest);
        (await consul.PostAsync("/api/cases/KG-2026-999999/travel", new { flightNumber = "TK 345", departureAirport = "IST", arrivalAirport = "FRU", scheduledArrival = DateTimeOffset.UtcNow, escort = "none", travelDocument = "x" }))
            .ExpectProblem(HttpStatusCode.NotFound);
        (await consul.PostAsync("/api/cases/KG-2026-999999/travel", new { flightNumber = "??", departureAirport = "IST", arrivalAirport = "IST" }))
            .ExpectProblem(HttpStatusCode.BadRequest);
        (await worker.PostAsync($"/api/alerts/{Guid.NewGuid()}/ack", null)).ExpectProblem(HttpStatusCode.NotFound);
        (await worker.GetAsync("/api/feed?after=-1")).ExpectProblem(HttpStatusCode.BadRequest);
        (await worker.GetAsync("/api/feed?limit=100000")).ExpectProblem(HttpStatusCode.BadRequest);

        Assert.Equal(before, await fixture.CountRowsAsync());
    }

    private async Task<(ApiClient Consul, ApiClient Worker)> ConsulAsync()
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("kg-post", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("kg-ngo", Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", [field.Region("Chui")], ["FRU"], ["Shelter"]));
        return (await field.UserAsync("consul", post, "ConsularOfficer"), await field.UserAsync("worker", ngo, "NgoCaseworker"));
    }

    private static string Body(
        string person = ValidPerson, string currentCountry = "\"TR\"", string location = "\"Istanbul\"", string urgency = "\"Critical\"",
        string needs = "[\"Shelter\"]", string consent = "{\"given\":true}", string? extra = null) =>
        "{" + $"\"person\":{person},\"currentCountry\":{currentCountry},\"location\":{location},\"situation\":\"Detained\"," +
        $"\"exploitationType\":\"Labour\",\"needs\":{needs},\"urgency\":{urgency},\"homeRegion\":\"Chui\",\"consent\":{consent}" +
        (extra is null ? string.Empty : "," + extra) + "}";
}
