using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Texts;

/// <summary>
/// Problems in the language the user reads: a refused request is answered, over the real web host,
/// with its title, detail and field errors in the language of its Accept-Language, the variable
/// parts (a length, an id) carried over, and in English when the language is not one of the seven.
/// </summary>
[Collection("security")]
public sealed class ProblemLanguageTests(Security.SecurityFixture fixture)
{
    [Fact]
    public async Task A_translated_message_keeps_its_values_and_an_untranslated_one_stays_as_written()
    {
        using var http = Client("ru");
        using var response = await http.PostAsJsonAsync("/api/cases", new
        {
            person = new { fullName = new string('A', 300), sex = "F", birthYear = 1990, citizenship = "KG" },
            currentCountry = "TR",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!;
        Assert.Equal("Не более 200 символов.", errors["person.fullName"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("ru", "Обязательное поле.", "Не найдено")]
    [InlineData("ky", "Милдеттүү талаа.", "Табылган жок")]
    [InlineData("tk", "Hökmany meýdança.", "Tapylmady")]
    [InlineData("en", "Required.", "Not found")]
    [InlineData("fr-FR", "Required.", "Not found")]
    public async Task A_refused_request_is_answered_in_the_language_of_its_accept_language(string language, string required, string notFound)
    {
        using var http = Client(language);
        var expectedLanguage = language.Length == 2 ? language : "en";

        // A flag without a person: a validation problem naming the field, in that language.
        using var invalid = await http.PostAsJsonAsync("/api/cases", new { currentCountry = "TR" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(expectedLanguage, Assert.Single(invalid.Content.Headers.ContentLanguage));
        var problem = JsonNode.Parse(await invalid.Content.ReadAsStringAsync())!;
        Assert.Contains(required, problem["errors"]!["person"]!.AsArray().Select(m => m!.GetValue<string>()));

        // A case nobody has: the refusal's title too.
        using var missing = await http.GetAsync("/api/cases/KG-2026-999999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var absent = JsonNode.Parse(await missing.Content.ReadAsStringAsync())!;
        Assert.Equal(notFound, absent["title"]!.GetValue<string>());
        Assert.Contains("KG-2026-999999", absent["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private HttpClient Client(string language)
    {
        var http = new HttpClient { BaseAddress = fixture.System.WebUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.World.Consul.Token!);
        http.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return http;
    }
}
