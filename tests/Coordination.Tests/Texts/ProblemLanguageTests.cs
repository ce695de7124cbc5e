using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Coordination.Tests.Infrastructure;
using Coordination.Web.Texts;

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
    public void A_known_text_is_translated_with_its_values_and_any_other_stays_as_it_is()
    {
        var russian = ServerTexts.For("ru");
        Assert.Equal("Не более 200 символов.", ProblemTexts.Translate("At most 200 characters.", russian));
        Assert.Equal("Организация «kg-nobody» не существует.", ProblemTexts.Translate("Agency 'kg-nobody' does not exist.", russian));
        Assert.Equal("Дело KG-2026-000001 в версии 4, а не 3.", ProblemTexts.Translate("Case KG-2026-000001 is at version 4, not 3.", russian));
        Assert.Equal("A message nobody translated.", ProblemTexts.Translate("A message nobody translated.", russian));
        Assert.Equal("At most 200 characters.", ProblemTexts.Translate("At most 200 characters.", ServerTexts.For("en")));
        Assert.Equal("Эң көп 200 белги.", ProblemTexts.Translate("At most 200 characters.", ServerTexts.For("ky")));
    }

    [Theory]
    [InlineData("ru", "Обязательное поле.", "Не найдено")]
    [InlineData("ky", "Милдеттүү талаа.", "Табылган жок")]
    [InlineData("tk", "Hökmany meýdança.", "Tapylmady")]
    [InlineData("en", "Required.", "Not found")]
    [InlineData("fr-FR", "Required.", "Not found")]
    public async Task A_refused_request_is_answered_in_the_language_of_its_accept_language(string language, string required, string notFound)
    {
        var token = fixture.World.Consul.Token!;
        using var http = new HttpClient { BaseAddress = fixture.System.WebUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        http.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
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
}
