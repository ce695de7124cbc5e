using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coordination.Contracts.Common;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Operations;

/// <summary>
/// Logs as an operator follows them: JSON events, one correlation id per request returned to the
/// caller, the same trace id in the silo's events for the grain calls the request caused, the case
/// id on events about a case, and never a person's name, passport or phone.
/// </summary>
public sealed partial class LogCorrelationTests
{
    private const string Header = "X-Correlation-Id";

    [Fact]
    public async Task A_request_is_followed_into_the_silo_logs_by_its_trace_and_case_id_without_personal_data()
    {
        await using var system = await CoordinationProcesses.StartAsync("logs",
            new Dictionary<string, string> { ["Coordination__Observability__LogFormat"] = "Json" });
        var field = await Field.CreateAsync(system);
        var post = await field.AgencyAsync("kg-ist", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        var region = field.Region("Chui");
        await field.AgencyAsync("kg-chui", Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", [region], ["FRU"], ["Shelter"]));
        var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var http = new HttpClient { BaseAddress = system.WebUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", consul.Token);

        // The caller's own id comes back, also on a refusal; one that is not a plain token is replaced.
        using (var refused = new HttpRequestMessage(HttpMethod.Get, "/api/cases/KG-2026-999999"))
        {
            refused.Headers.Add(Header, "desk-7.request-42");
            using var response = await http.SendAsync(refused);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("desk-7.request-42", Assert.Single(response.Headers.GetValues(Header)));
        }

        using (var forged = new HttpRequestMessage(HttpMethod.Get, "/api/me"))
        {
            forged.Headers.TryAddWithoutValidation(Header, "x\" injected=\"1");
            using var response = await http.SendAsync(forged);
            Assert.Matches(TraceId(), Assert.Single(response.Headers.GetValues(Header)));
        }

        var person = Field.Flag("Aigul Loggedname", "F", 1994, "KG", "TR", region, ["Shelter"], urgency: "Routine", passport: "AN7654321", phone: "+90 555 765 43 21");
        using var flagged = await http.PostAsync("/api/cases", JsonContent.Create(person, options: CoordinationJson.Options));
        Assert.Equal(HttpStatusCode.Created, flagged.StatusCode);
        var traceId = Assert.Single(flagged.Headers.GetValues(Header));
        Assert.Matches(TraceId(), traceId);
        var caseId = JsonNode.Parse(await flagged.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();

        var siloEvent = await Eventually.ReturnsAsync(
            () => Task.FromResult(Events(system).FirstOrDefault(e =>
                e["@tr"]?.GetValue<string>() == traceId && e["Service"]?.GetValue<string>() == "silo" && e["CaseId"]?.GetValue<string>() == caseId)),
            e => e is not null, $"a silo log event of trace {traceId} about case {caseId}");
        Assert.False(string.IsNullOrEmpty(siloEvent!["@sp"]?.GetValue<string>()), "the event has no span id");

        var logs = system.AllLogs();
        Assert.DoesNotContain("Loggedname", logs);
        Assert.DoesNotContain("AN7654321", logs);
        Assert.DoesNotContain("765 43 21", logs);
    }

    /// <summary>Every JSON log event of every process so far (a line still being written is skipped).</summary>
    private static List<JsonNode> Events(CoordinationProcesses system) =>
        system.AllLogs().Split('\n')
            .Where(l => l.StartsWith('{'))
            .Select(Parse)
            .OfType<JsonNode>()
            .ToList();

    private static JsonNode? Parse(string line)
    {
        try
        {
            return JsonNode.Parse(line);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceId();
}
