using System.Globalization;
using System.Net;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Committees;

/// <summary>The Turkmen working group runs its national action plan through the system, over HTTP and SignalR.</summary>
[Collection(CommitteeSystemCollection.Name)]
public sealed class ActionPlanStoryTests(CommitteeSystemFixture fixture)
{
    private static readonly TimeZoneInfo Ashgabat = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ashgabat");

    [Fact]
    public async Task Working_group_imports_its_plan_owners_get_assignments_live_one_reports_progress_one_is_chased_and_the_quarter_report_adds_up()
    {
        var field = await Field.CreateAsync(fixture.System);
        var committee = await field.AgencyAsync("tm-nap-wg", Plans.Committee("TM", "Ashgabat", "Asia/Ashgabat"));
        var mfa = await field.AgencyAsync("tm-mfa", Plans.Agency("Ministry", "Ministry of Foreign Affairs", "TM", "Asia/Ashgabat"));
        var mia = await field.AgencyAsync("tm-mia", Plans.Agency("LawEnforcement", "Ministry of Internal Affairs", "TM", "Asia/Ashgabat"));
        var ngo = await field.AgencyAsync("tm-yenme", Plans.Agency("Ngo", "Yenme", "TM", "Asia/Ashgabat"));
        var iom = await field.AgencyAsync("tm-iom", Plans.Agency("InternationalOrganization", "IOM Ashgabat", "TM", "Asia/Ashgabat"));
        using var secretary = await field.UserAsync("secretary", committee, "CommitteeSecretary");
        using var yenme = await field.UserAsync("yenme-worker", ngo, "NgoCaseworker");
        using var police = await field.UserAsync("mia-officer", mia, "CommitteeMember");
        await using var secretaryBoard = await DashboardClient.ConnectAsync(field.WebUrl, secretary.Token!);
        await using var yenmeBoard = await DashboardClient.ConnectAsync(field.WebUrl, yenme.Token!);
        await using var policeBoard = await DashboardClient.ConnectAsync(field.WebUrl, police.Token!);

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Ashgabat).DateTime);
        string Due(int days) => today.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var csv = $"""
            title,area,ownerAgencyId,dueDate,indicatorName,unit,baseline,target
            "Awareness campaign in Lebap, Dashoguz and Mary",Prevention,{ngo},{Due(60)},Persons reached,persons,0,5000
            Hotline for labour migrants,Prevention,{iom},{Due(60)},Calls answered,calls,0,1200
            School sessions on safe migration,Prevention,{ngo},{Due(90)},Sessions held,sessions,0,40
            Pre-departure briefings for migrants to Turkey,Prevention,{mfa},{Due(60)},,,,
            Guidance for consulates on identifying victims,Protection,{mfa},{Due(30)},Consulates trained,consulates,0,12
            Shelter places for returning women,Protection,{ngo},{Due(90)},Shelter places,places,10,30
            Reintegration grants,Protection,{iom},{Due(120)},Grants awarded,grants,0,50
            Medical and psychological aid protocol,Protection,{ngo},{Due(45)},,,,
            National referral mechanism regulation,Protection,{mia},{Due(60)},,,,
            Training of investigators on trafficking cases,Prosecution,{mia},{Due(-5)},Investigators trained,persons,0,60
            Amendments to article 129 of the Criminal Code,Prosecution,{mia},{Due(180)},,,,
            Case data exchange with prosecutors,Prosecution,{mia},{Due(90)},,,,
            "Victim-witness protection guidelines (""safe interview"")",Prosecution,{ngo},{Due(120)},,,,
            Memorandum with the Turkish authorities,Partnership,{mfa},{Due(90)},Agreements signed,agreements,0,1
            Cooperation with the consular network in the UAE,Partnership,{mfa},{Due(120)},,,,
            Joint return project with IOM,Partnership,{iom},{Due(60)},Returns assisted,persons,0,100
            NGO coalition meetings,Partnership,{ngo},{Due(30)},Meetings held,meetings,0,4
            Quarterly working group meetings,Coordination,{mfa},{Due(90)},Meetings held,meetings,0,4
            Monitoring framework for the plan,Coordination,{iom},{Due(60)},,,,
            Annual implementation report,Coordination,{mfa},{Due(180)},,,,
            Data protection rules for case data,Coordination,{mia},{Due(90)},,,,
            Budget proposal for 2027,Coordination,{mfa},{Due(120)},,,,

            """;

        var imported = (await secretary.PostRawAsync($"/api/committees/{committee}/plan/import", csv, "text/csv")).Expect(HttpStatusCode.Created);
        var ids = imported.Json!["tasks"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(Enumerable.Range(1, 22).Select(i => $"t{i}"), ids);
        Assert.Equal("Awareness campaign in Lebap, Dashoguz and Mary", imported.Json!["tasks"]![0]!["title"]!.GetValue<string>());
        Assert.Equal("Victim-witness protection guidelines (\"safe interview\")", imported.Json!["tasks"]![12]!["title"]!.GetValue<string>());

        // Every owner's dashboard gets its own assignments live, and nobody else's.
        var yenmeAssigned = await CollectAsync(yenmeBoard, i => i.Type == FeedItemType.TaskAssigned && i.CommitteeId == committee, items => items.Count == 6);
        Assert.Equal(["t1", "t3", "t6", "t8", "t13", "t17"], yenmeAssigned.Select(i => i.TaskId));
        Assert.All(yenmeAssigned, i => Assert.True(i.RequiresAck && i.Kind == FeedItemKind.Task && i.AckDeadline is not null));
        var policePushed = await CollectAsync(policeBoard, i => i.CommitteeId == committee,
            items => items.Count(i => i.Type == FeedItemType.TaskAssigned) == 5 && items.Any(i => i.Type == FeedItemType.TaskOverdue));
        Assert.Equal(["t9", "t10", "t11", "t12", "t21"], policePushed.Where(i => i.Type == FeedItemType.TaskAssigned).Select(i => i.TaskId));

        // The interior ministry's training was due five days ago: it and the secretary are chased at once.
        var chased = policePushed.Single(i => i.Type == FeedItemType.TaskOverdue);
        Assert.Equal("t10", chased.TaskId);
        Assert.Equal("5", chased.Data["daysOverdue"]);
        Assert.Equal(mia, chased.Data["ownerAgencyId"]);
        var secretaryChase = await secretaryBoard.WaitForAsync(i => i.Type == FeedItemType.TaskOverdue && i.TaskId == "t10");
        Assert.Equal(chased.Summary, secretaryChase.Summary);

        // Yenme acknowledges its first assignment and reports progress; the secretary sees it live.
        var campaign = yenmeAssigned.Single(i => i.TaskId == "t1");
        (await yenme.PostAsync($"/api/alerts/{campaign.Id}/ack", null)).Expect(HttpStatusCode.OK);
        var progress = (await yenme.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/t1",
            new { status = "InProgress", indicatorValue = 1500, note = "Lebap and Dashoguz covered" })).Expect(HttpStatusCode.OK);
        Assert.Equal(30.0m, progress.Json!["indicator"]!["progressPercent"]!.GetValue<decimal>());
        (await yenme.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/t17", new { status = "Done", indicatorValue = 4 }))
            .Expect(HttpStatusCode.OK);
        var update = await secretaryBoard.WaitForAsync(i => i.Type == FeedItemType.TaskUpdated && i.TaskId == "t1");
        Assert.Equal(ngo, update.Data["byAgencyId"]);
        Assert.Equal("InProgress", update.Data["status"]);
        Assert.Equal("1500", update.Data["indicatorValue"]);
        await secretaryBoard.WaitForAsync(i => i.Type == FeedItemType.TaskUpdated && i.TaskId == "t17");

        var plan = (await secretary.GetAsync($"/api/committees/{committee}/plan")).Expect(HttpStatusCode.OK).Json!;
        var tasks = plan["tasks"]!.AsArray().ToDictionary(t => t!["id"]!.GetValue<string>(), t => t!);
        Assert.Equal(22, tasks.Count);
        Assert.NotNull(tasks["t1"]["acknowledgedAt"]);
        Assert.NotNull(tasks["t17"]["acknowledgedAt"]); // finished without an explicit ack: reporting on it answered the assignment
        Assert.Null(tasks["t10"]["acknowledgedAt"]);
        Assert.Null(tasks["t3"]["acknowledgedAt"]);
        Assert.True(tasks["t10"]["overdue"]!.GetValue<bool>());
        Assert.Equal(DaysSince(today.AddDays(-5)), tasks["t10"]["daysOverdue"]!.GetValue<int>());
        Assert.Single(tasks.Values, t => t["overdue"]!.GetValue<bool>());
        Assert.Equal(new[] { ngo, iom, mfa, mia }.Order(), plan["memberAgencies"]!.AsArray().Select(m => m!.GetValue<string>()).Order());

        // The country's case statistics for the quarter, from a seeded timeline.
        var now = DateTimeOffset.UtcNow;
        var quarter = new DateTimeOffset(now.Year, (now.Month - 1) / 3 * 3 + 1, 1, 0, 0, 0, TimeSpan.Zero);
        var suffix = field.Id("x")[2..].ToUpperInvariant();
        await fixture.Cases.SeedAsync($"TM-Q-{suffix}-1", new Person("Ogulgerek Test", Sex.F, 1995, "TM", "T1000001", null), "TR", ExploitationType.Labour,
            (CaseEventType.Flagged, quarter.AddHours(1)), (CaseEventType.Referred, quarter.AddHours(1)), (CaseEventType.Withdrawn, quarter.AddHours(2)));
        await fixture.Cases.SeedAsync($"TM-Q-{suffix}-2", new Person("Ogulgerek Test", Sex.F, 1995, "TM", "T1000001", null), "TR", ExploitationType.Labour,
            (CaseEventType.Flagged, quarter.AddHours(3)), (CaseEventType.Referred, quarter.AddHours(3)));
        await fixture.Cases.SeedAsync($"TM-Q-{suffix}-3", new Person("Merdan Test", Sex.M, now.Year - 16, "TM", null, null), "RU", ExploitationType.Begging,
            (CaseEventType.Flagged, quarter.AddDays(-2)), (CaseEventType.Referred, quarter.AddDays(-2)), (CaseEventType.Arrived, quarter.AddDays(1)));

        var from = quarter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = quarter.AddMonths(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var report = (await secretary.GetAsync($"/api/committees/{committee}/report?from={from}&to={to}")).Expect(HttpStatusCode.OK).Json!;

        // By hand: 22 tasks; Yenme moved t1 (Prevention) to InProgress and finished t17 (Partnership); t10 (Prosecution) is overdue.
        var summary = report["tasks"]!;
        Assert.Equal((22, 20, 1, 1, 0, 1, 1), (Int(summary, "total"), Int(summary, "notStarted"), Int(summary, "inProgress"), Int(summary, "done"),
            Int(summary, "blocked"), Int(summary, "overdue"), Int(summary, "completedInPeriod")));
        var areas = summary["byArea"]!.AsArray().ToDictionary(a => a!["area"]!.GetValue<string>(), a => a!);
        Assert.Equal((4, 3, 1, 0), Counts(areas["Prevention"]));
        Assert.Equal((5, 5, 0, 0), Counts(areas["Protection"]));
        Assert.Equal((4, 4, 0, 0), Counts(areas["Prosecution"]));
        Assert.Equal((4, 3, 0, 1), Counts(areas["Partnership"]));
        Assert.Equal((5, 5, 0, 0), Counts(areas["Coordination"]));
        Assert.Equal(1, Int(areas["Prosecution"], "overdue"));

        var indicators = report["indicators"]!.AsArray().ToDictionary(i => i!["taskId"]!.GetValue<string>(), i => i!["indicator"]!);
        Assert.Equal(["t1", "t10", "t14", "t16", "t17", "t18", "t2", "t3", "t5", "t6", "t7"], indicators.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((1500m, 30.0m, false), (indicators["t1"]["value"]!.GetValue<decimal>(), indicators["t1"]["progressPercent"]!.GetValue<decimal>(), indicators["t1"]["met"]!.GetValue<bool>()));
        Assert.Equal((4m, 100.0m, true), (indicators["t17"]["value"]!.GetValue<decimal>(), indicators["t17"]["progressPercent"]!.GetValue<decimal>(), indicators["t17"]["met"]!.GetValue<bool>()));
        Assert.Null(indicators["t6"]["value"]);
        Assert.Equal(10m, indicators["t6"]["baseline"]!.GetValue<decimal>());

        var overdue = Assert.Single(report["overdue"]!.AsArray())!;
        Assert.Equal(("t10", mia, "Ministry of Internal Affairs", Due(-5), DaysSince(today.AddDays(-5))),
            (overdue["taskId"]!.GetValue<string>(), overdue["ownerAgencyId"]!.GetValue<string>(), overdue["ownerName"]!.GetValue<string>(),
             overdue["dueDate"]!.GetValue<string>(), overdue["daysOverdue"]!.GetValue<int>()));

        var implementation = report["implementation"]!.AsArray();
        Assert.Equal(22, implementation.Count);
        Assert.Equal(["Prevention", "Protection", "Prosecution", "Partnership", "Coordination"],
            implementation.Select(t => t!["area"]!.GetValue<string>()).Distinct());
        Assert.Equal(("InProgress", 0), (implementation.Single(t => t!["taskId"]!.GetValue<string>() == "t1")!["status"]!.GetValue<string>(),
            implementation.Single(t => t!["taskId"]!.GetValue<string>() == "t1")!["daysOverdue"]!.GetValue<int>()));

        // By hand: one woman flagged twice in the quarter (withdrawn, then flagged again) is one person and two cases;
        // the boy flagged before the quarter is not counted among them, but his arrival home three days later is.
        var statistics = report["statistics"]!;
        Assert.Equal("TM", statistics["country"]!.GetValue<string>());
        Assert.Equal((1, 0, 1, 0), (Int(statistics["persons"]!, "total"), Int(statistics["persons"]!, "minors"), Int(statistics["persons"]!, "female"), Int(statistics["persons"]!, "male")));
        Assert.Equal((2, 1, 0, 1, 0), (Int(statistics["cases"]!, "total"), Int(statistics["cases"]!, "open"), Int(statistics["cases"]!, "closed"),
            Int(statistics["cases"]!, "withdrawn"), Int(statistics["cases"]!, "reopened")));
        var funnel = statistics["funnel"]!;
        Assert.Equal((2, 2, 1, 0, 0, 0), (Int(funnel, "flagged"), Int(funnel, "referred"), Int(funnel, "returned"), Int(funnel, "received"),
            Int(funnel, "sheltered"), Int(funnel, "reintegrated")));
        Assert.Equal(3.0, statistics["medianDaysFlaggedToArrived"]!.GetValue<double>());
        Assert.Equal(2, Int(statistics["byExploitationType"]!, "Labour"));
        Assert.Equal(2, Int(statistics["byDestinationCountry"]!, "TR"));
        Assert.DoesNotContain("Ogulgerek", report.ToJsonString());
        Assert.DoesNotContain("T1000001", report.ToJsonString());

        var page = (await secretary.GetAsync($"/api/committees/{committee}/report.html?from={from}&to={to}")).Expect(HttpStatusCode.OK);
        Assert.Equal("text/html", page.MediaType);
        Assert.Contains("Training of investigators on trafficking cases", page.Body);
        Assert.Contains("Ministry of Internal Affairs", page.Body);
        Assert.Contains("@media print", page.Body);
        Assert.Contains("Victim-witness protection guidelines (&quot;safe interview&quot;)", page.Body);
    }

    /// <summary>Collects pushed items that match until <paramref name="enough"/> holds.</summary>
    private static async Task<List<FeedItem>> CollectAsync(DashboardClient board, Func<FeedItem, bool> match, Func<List<FeedItem>, bool> enough)
    {
        var items = new List<FeedItem>();
        while (!enough(items))
        {
            items.Add(await board.WaitForAsync(match));
        }

        return items;
    }

    private static int DaysSince(DateOnly day) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Ashgabat).DateTime).DayNumber - day.DayNumber;

    private static int Int(System.Text.Json.Nodes.JsonNode node, string name) => node[name]!.GetValue<int>();

    private static (int Total, int NotStarted, int InProgress, int Done) Counts(System.Text.Json.Nodes.JsonNode area) =>
        (Int(area, "total"), Int(area, "notStarted"), Int(area, "inProgress"), Int(area, "done"));
}
