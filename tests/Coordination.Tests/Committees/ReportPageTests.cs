using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Committees;

[Collection(CommitteeSystemCollection.Name)]
public sealed class ReportPageTests(CommitteeSystemFixture fixture)
{
    [Fact]
    public async Task The_printable_report_encodes_every_text_and_runs_nothing()
    {
        var field = await Field.CreateAsync(fixture.System);
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "kg-print", "KG", "Asia/Bishkek");
        var owner = await field.AgencyAsync("kg-evil", Plans.Agency("Ngo", "<img src=x onerror=alert(1)> NGO", "KG", "Asia/Bishkek"));
        const string Title = "<script>alert('plan')</script> & \"Юридическая помощь\"";
        (await secretary.PostAsync($"/api/committees/{committee}/tasks", new
        {
            title = Title,
            area = "Protection",
            ownerAgencyId = owner,
            dueDate = DateTime.UtcNow.AddDays(-3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            indicator = new { name = "<b>Cases</b>", unit = "cases", baseline = 0, target = 10 },
        })).Expect(HttpStatusCode.Created);
        var (response, page) = await ReportHtmlAsync(field, committee, secretary);
        using var _ = response;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("default-src 'none'; style-src 'unsafe-inline'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.StartsWith("<!DOCTYPE html>", page);
        Assert.Contains("&lt;script&gt;alert(&#x27;plan&#x27;)&lt;/script&gt; &amp; &quot;Юридическая помощь&quot;", page);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt; NGO", page);
        Assert.Contains("&lt;b&gt;Cases&lt;/b&gt;", page);
        Assert.DoesNotContain("<script", page);
        Assert.DoesNotContain("<img", page);
        Assert.DoesNotContain("<b>", page);
        Assert.Contains("@media print", page);
        Assert.Contains("Overdue tasks", page);
    }

    [Theory]
    [InlineData("ru", "ru", "Отчёт о мониторинге", "Задачи по направлениям и статусам", "Защита", "Не начата, просрочено на 3 дн.")]
    [InlineData("kk-KZ, ru;q=0.5", "kk", "Мониторинг есебі", "Тапсырмалар бағыттар мен мәртебе бойынша", "Қорғау", "Басталмаған, 3 күнге кешікті")]
    [InlineData("fr, de;q=0.8", "en", "Monitoring report", "Tasks by area and status", "Protection", "Not started, 3 days overdue")]
    public async Task The_printable_report_is_in_the_first_language_the_reader_accepts_that_the_server_has(
        string acceptLanguage, string language, string title, string heading, string area, string overdueStatus)
    {
        var field = await Field.CreateAsync(fixture.System);
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "kg-lang", "KG", "Asia/Bishkek");
        var owner = await field.AgencyAsync("kg-lang-ngo", Plans.Agency("Ngo", "Ngo in Naryn", "KG", "Asia/Bishkek"));
        (await secretary.PostAsync($"/api/committees/{committee}/tasks", new
        {
            title = "Train border guards",
            area = "Protection",
            ownerAgencyId = owner,
            // Three days before today in the owner's calendar, which is what "days overdue" counts.
            dueDate = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Bishkek")).Date.AddDays(-3)
                .ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        })).Expect(HttpStatusCode.Created);
        var (response, page) = await ReportHtmlAsync(field, committee, secretary, acceptLanguage);
        using var _ = response;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"<html lang=\"{language}\">", page);
        Assert.Contains($"<h1>{title}: ", page);
        Assert.Contains($"<h2>{heading}</h2>", page);
        Assert.Contains($"<td>{area}</td>", page);
        Assert.Contains($"<td>{overdueStatus}</td>", page);
        Assert.Contains("Train border guards", page);
        if (language != "en")
        {
            Assert.DoesNotContain("Overdue tasks", page);
            Assert.DoesNotContain("Not started", page);
        }
    }

    /// <summary>The printable report of the last and next thirty days, as the secretary's browser asks for it.</summary>
    private static async Task<(HttpResponseMessage Response, string Page)> ReportHtmlAsync(
        Field field, string committee, ApiClient secretary, string? acceptLanguage = null)
    {
        var from = DateTime.UtcNow.AddDays(-30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var http = new HttpClient { BaseAddress = field.WebUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/committees/{committee}/report.html?from={from}&to={to}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secretary.Token);
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        var response = await http.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }
}
