using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Statistics;
using Coordination.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;

namespace Coordination.Tests.Security;

/// <summary>Names, passport numbers and phones go where they must and nowhere else.</summary>
[Collection("security")]
public sealed class MinimisationTests(SecurityFixture fixture)
{
    private sealed record Seeded(string FullName, string Passport, string Phone, string Sex, int BirthYear);

    [Fact]
    public async Task Seeded_names_passports_and_phones_appear_in_no_log_feed_or_push_and_only_encrypted_in_the_database()
    {
        var world = fixture.World;
        var field = world.Field;
        var region = field.Region("Issyk-Kul");
        var ngo = await field.AgencyAsync("kg-karakol", Field.Receiving("Ngo", "KG", "Karakol", "Asia/Bishkek", [region], ["IKU"], ["Shelter", "Legal", "Psychological"]));
        using var worker = await field.UserAsync("karakol-worker", ngo, "NgoCaseworker");
        var consul = world.Consul;
        await using var consulDashboard = await DashboardClient.ConnectAsync(fixture.System.WebUrl, consul.Token!);
        await using var ngoDashboard = await DashboardClient.ConnectAsync(fixture.System.WebUrl, worker.Token!);

        Seeded[] people =
        [
            new("Gulnara Seitkazieva", "KG7730011", "+996 700 123 456", "F", 1994),
            new("Айпери Жумабекова", "AN9988776", "+7 (912) 345-67-89", "F", 2001),
            new("Bakyt Toktogulov", "ID5544332", "+996 555 987 654", "M", 1987),
        ];
        var cases = new List<string>();
        foreach (var person in people)
        {
            var flag = Field.Flag(person.FullName, person.Sex, person.BirthYear, "KG", "TR", region, ["Shelter", "Legal"], passport: person.Passport, phone: person.Phone);
            var key = $"minimisation-{Guid.NewGuid():N}";
            var flagged = (await consul.PostAsync("/api/cases", flag, key)).Expect(HttpStatusCode.Created);
            cases.Add(flagged.Json!["id"]!.GetValue<string>());
            // A retried flag is answered from the case, not from a stored copy.
            (await consul.PostAsync("/api/cases", flag, key)).Expect(HttpStatusCode.OK);
        }

        // Refused requests that carry the identity: their errors must not repeat it anywhere.
        var first = people[0];
        (await consul.PostAsync("/api/cases", Field.Flag(first.FullName, "F", 2999, "KG", "TR", region, ["Shelter"], passport: first.Passport, phone: first.Phone)))
            .ExpectProblem(HttpStatusCode.BadRequest);
        (await consul.PostAsync($"/api/cases/{cases[0]}/events", new { type = "Verified", note = $"spoke with {first.FullName}, {first.Phone}" }))
            .ExpectProblem(HttpStatusCode.BadRequest);

        // The first case goes all the way home and is closed; the second has its consent withdrawn and given again.
        foreach (var caseId in cases)
        {
            var referral = (await ngoDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived)).Data["referralId"];
            (await worker.PostAsync($"/api/cases/{caseId}/referrals/{referral}/accept", null)).Expect(HttpStatusCode.OK);
            (await worker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK);
        }

        await CaseLifecycle.CloseAsync(consul, worker, cases[0], "IKU");
        (await worker.PostAsync($"/api/cases/{cases[1]}/events", new { type = "ConsentWithdrawn", note = "asked by the person" })).Expect(HttpStatusCode.OK);
        (await consul.PostAsync($"/api/cases/{cases[1]}/events", new { type = "ConsentGiven" })).Expect(HttpStatusCode.OK);
        (await consul.GetAsync("/api/cases?limit=500")).Expect(HttpStatusCode.OK);
        (await world.Admin.PostAsync($"/api/cases/{cases[0]}/erasure", new { reason = "request of the person under the data protection law" })).Expect(HttpStatusCode.OK);
        var export = (await world.Caller("post: Analyst").GetAsync("/api/statistics/export.csv?country=KG&from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z&k=5"))
            .Expect(HttpStatusCode.OK).Body;
        await consulDashboard.WaitForAsync(i => i.CaseId == cases[0] && i.Type == FeedItemType.CaseUpdated && i.Data["event"] == "Closed");

        var secrets = people.SelectMany(Secrets).ToList();
        var feeds = JsonSerializer.Serialize(new[]
        {
            (await consul.GetAsync("/api/feed?limit=1000")).As<List<FeedItem>>(),
            (await worker.GetAsync("/api/feed?limit=1000")).As<List<FeedItem>>(),
        }, CoordinationJson.Options);
        var pushes = JsonSerializer.Serialize(consulDashboard.Received.Concat(ngoDashboard.Received), CoordinationJson.Options);
        var logs = fixture.System.AllLogs();
        var metrics = new List<string>();
        foreach (var host in fixture.System.Silos.Concat(fixture.System.Webs))
        {
            using var http = new HttpClient { BaseAddress = host.BaseAddress };
            metrics.Add(await http.GetStringAsync("/metrics"));
        }

        Assert.Contains(metrics, m => m.Contains("coordination_", StringComparison.Ordinal));
        Assert.Contains(cases[0], logs); // the logs do speak of the case, by its id
        Assert.Contains(cases[0], pushes);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, feeds, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, pushes, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, export, StringComparison.OrdinalIgnoreCase);
            Assert.All(metrics, m => Assert.DoesNotContain(secret, m, StringComparison.OrdinalIgnoreCase));
        }

        // In the database, names, passports and phones exist only encrypted: no table holds any of them in clear.
        foreach (var secret in secrets)
        {
            Assert.Empty(await fixture.TablesContainingAsync(secret));
        }

        // The ciphertext is really theirs: the silos' key ring opens it (the erased case has none left).
        var protector = fixture.PersonalDataProtector();
        for (var i = 0; i < people.Length; i++)
        {
            var person = await fixture.ScalarAsync<string>("SELECT state->>'person' FROM cases WHERE id = @id", ("id", cases[i]));
            var stored = JsonDocument.Parse(person!).RootElement;
            Assert.False(stored.TryGetProperty("passportNumber", out _));
            Assert.False(stored.TryGetProperty("phone", out _));
            Assert.False(stored.TryGetProperty("fullName", out _));
            var mark = await fixture.ScalarAsync<string>("SELECT person_mark FROM cases WHERE id = @id", ("id", cases[i]));
            if (i == 0)
            {
                Assert.False(stored.TryGetProperty("protectedPassportNumber", out _));
                Assert.False(stored.TryGetProperty("protectedFullName", out _));
                Assert.Null(mark);
                continue;
            }

            Assert.Equal(people[i].FullName, protector.Unprotect(stored.GetProperty("protectedFullName").GetString()!));
            // The mark that finds the person's other cases is keyed: a list of names hashed without the key ring does not find it.
            Assert.NotNull(mark);
            Assert.NotEqual(PlainHash(PersonIdentity.NameKey("KG", people[i].FullName, people[i].BirthYear)!), mark);
            Assert.Equal(people[i].Passport, protector.Unprotect(stored.GetProperty("protectedPassportNumber").GetString()!));
            Assert.Equal(people[i].Phone, protector.Unprotect(stored.GetProperty("protectedPhone").GetString()!));
        }

        // Those with the right to see the person still read it in clear.
        var read = (await worker.GetAsync($"/api/cases/{cases[2]}")).Expect(HttpStatusCode.OK).Json!["person"]!;
        Assert.Equal(people[2].Passport, read["passportNumber"]!.GetValue<string>());
        Assert.Equal(people[2].Phone, read["phone"]!.GetValue<string>());
    }

    [Fact]
    public async Task Statistics_tell_persons_apart_by_passports_that_are_stored_encrypted()
    {
        // Five Tajik women, each flagged twice with her name spelt two ways and one passport: five
        // persons, ten cases (enough of each to be published: fewer would be suppressed).
        var world = fixture.World;
        var region = world.Field.Region("Sughd");
        var post = await world.Field.AgencyAsync("tj-post", Field.ConsularPost("TJ", "TR", "Istanbul", "Europe/Istanbul"));
        using var consul = await world.Field.UserAsync("tj-consul", post, "ConsularOfficer");
        for (var i = 0; i < 5; i++)
        {
            foreach (var name in new[] { $"Zarina Rahimova{i}", $"Zarina Rakhimova{i}" })
            {
                (await consul.PostAsync("/api/cases", Field.Flag(name, "F", 1996, "TJ", "TR", region, ["Shelter"], passport: $"TJ555000{i}", phone: null)))
                    .Expect(HttpStatusCode.Created);
            }
        }

        var today = DateTime.UtcNow.Date;
        var period = $"from={today:yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}";
        var statistics = (await world.Caller("post: Analyst").GetAsync($"/api/statistics?country=TJ&{period}")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(10, statistics["cases"]!["total"]!.GetValue<int>());
        Assert.Equal(5, statistics["persons"]!["total"]!.GetValue<int>());
        Assert.DoesNotContain("Zarina", statistics.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("TJ555000", statistics.ToJsonString(), StringComparison.Ordinal);
    }

    private static string PlainHash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static IEnumerable<string> Secrets(Seeded person) =>
        [.. NameParts(person), person.Passport, person.Phone, Digits(person.Phone)];

    private static IEnumerable<string> NameParts(Seeded person) => [person.FullName, .. person.FullName.Split(' ')];

    private static string Digits(string phone) => new(phone.Where(char.IsAsciiDigit).ToArray());
}

/// <summary>Walks a case through its lifecycle by the public API.</summary>
public static class CaseLifecycle
{
    /// <summary>From flagged (with the referral accepted) to closed: documents, flight home to <paramref name="airport"/>, shelter, reintegration.</summary>
    public static async Task CloseAsync(ApiClient consul, ApiClient worker, string caseId, string airport)
    {
        await EventAsync(consul, caseId, "Verified");
        await EventAsync(consul, caseId, "DocumentsIssued");
        (await consul.PostAsync($"/api/cases/{caseId}/travel", new
        {
            flightNumber = "KC 912", departureAirport = "IST", arrivalAirport = airport,
            scheduledArrival = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(2).AddHours(6), TimeSpan.Zero),
            escort = "IOM Istanbul", travelDocument = "Certificate of return",
        })).Expect(HttpStatusCode.OK);
        await EventAsync(consul, caseId, "Departed");
        foreach (var type in new[] { "Arrived", "ReceivedByAgency", "Sheltered", "ReintegrationStarted", "Closed" })
        {
            await EventAsync(worker, caseId, type);
        }
    }

    public static async Task EventAsync(ApiClient client, string caseId, string type) =>
        (await client.PostAsync($"/api/cases/{caseId}/events", new { type, reason = type == "Closed" ? "Reintegrated" : null })).Expect(HttpStatusCode.OK);
}
