using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Browser;

/// <summary>
/// Every language the dashboards offer has every label, message and enum name English has, with the
/// same {placeholders}, and nothing English lacks: a missing key would show its key, not a text, to a user of that language.
/// The languages are those of the region (api.md, "Languages"), each offered in the picker.
/// </summary>
[Collection("browser")]
public sealed class TranslationTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Every_language_file_has_exactly_the_keys_of_the_english_one_and_no_empty_text()
    {
        var field = await Field.CreateAsync(fixture.System);
        await using var page = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        var problems = await page.Page.EvaluateAsync<string[]>("""
            async () => {
              const { languages } = await import('/js/i18n.js');
              const keys = (table, prefix = '') => Object.entries(table).flatMap(([key, value]) =>
                value !== null && typeof value === 'object' ? keys(value, `${prefix}${key}.`) : [[`${prefix}${key}`, value]]);
              const load = async (lang) => {
                const table = await import(`/js/lang/${lang}.js`);
                return new Map([...keys(table.messages, 'messages.'), ...keys(table.enums, 'enums.')]);
              };
              const placeholders = (text) => [...String(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join();
              const english = await load('en');
              const offered = [...document.querySelectorAll('#language-switch option')].map((o) => o.value);
              const problems = languages.join() === 'en,ru,ky,kk,tg,uz,tk' ? [] : [`languages are ${languages.join()}`];
              if ([...offered].sort().join() !== [...languages].sort().join()) problems.push(`the picker offers ${offered.join()}`);
              for (const lang of languages) {
                const table = await load(lang);
                for (const key of english.keys()) if (!table.has(key)) problems.push(`${lang}: missing ${key}`);
                for (const [key, text] of table) {
                  if (!english.has(key)) problems.push(`${lang}: ${key} is not in English`);
                  else if (typeof text !== 'string' || text.trim() === '') problems.push(`${lang}: ${key} is empty`);
                  else if (placeholders(text) !== placeholders(english.get(key))) problems.push(`${lang}: ${key} has ${placeholders(text)}, English ${placeholders(english.get(key))}`);
                }
              }
              return problems;
            }
            """);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_dashboard_asks_the_server_for_problems_in_the_language_the_user_reads()
    {
        var field = await Field.CreateAsync(fixture.System);
        await using var page = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await page.SignInAsAdministratorAsync(fixture.System.AdminPassword);
        var shown = await page.Page.EvaluateAsync<string[]>("""
            async () => {
              const { setLanguage } = await import('/js/i18n.js');
              const { request } = await import('/js/api.js');
              const shown = [];
              for (const lang of ['ky', 'tk', 'en']) {
                setLanguage(lang);
                try {
                  await request('POST', '/api/agencies', {});
                } catch (error) {
                  shown.push(error.title, error.errors.name[0]);
                }
              }
              return shown;
            }
            """);
        Assert.Equal(
        [
            "Бир же бир нече текшерүү катасы кетти.", "Милдеттүү талаа.",
            "Bir ýa-da birnäçe barlag ýalňyşlygy ýüze çykdy.", "Hökmany meýdança.",
            "One or more validation errors occurred.", "Required.",
        ], shown);
    }
}
