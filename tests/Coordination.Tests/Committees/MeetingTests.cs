using System.Globalization;
using System.Net;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Committees;

[Collection(CommitteeSystemCollection.Name)]
public sealed class MeetingTests(CommitteeSystemFixture fixture)
{
    [Fact]
    public async Task A_meetings_decisions_become_tasks_assigned_to_their_owners()
    {
        var field = await Field.CreateAsync(fixture.System);
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "tj-wg", "TJ", "Asia/Dushanbe");
        var shelter = await field.AgencyAsync("tj-shelter", Plans.Agency("Shelter", "Shelter for minors, Bokhtar", "TJ", "Asia/Dushanbe"));
        var prosecutor = await field.AgencyAsync("tj-prosecutor", Plans.Agency("LawEnforcement", "Prosecutor General's Office", "TJ", "Asia/Dushanbe"));
        using var shelterUser = await field.UserAsync("shelter", shelter, "NgoCaseworker");
        await using var shelterBoard = await DashboardClient.ConnectAsync(field.WebUrl, shelterUser.Token!);
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var due = DateTime.UtcNow.AddDays(90).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var key = Guid.NewGuid().ToString();
        var meeting = new
        {
            date,
            title = "Second quarterly meeting of the interagency commission",
            decisions = new object[]
            {
                new { title = "Ten more places for minors in the south", area = "Protection", ownerAgencyId = shelter, dueDate = due,
                      indicator = new { name = "Places for minors", unit = "places", baseline = 20, target = 30 } },
                new { title = "Guidelines on interviewing child victims", area = "Prosecution", ownerAgencyId = prosecutor, dueDate = due },
            },
        };

        var recorded = (await secretary.PostAsync($"/api/committees/{committee}/meetings", meeting, key)).Expect(HttpStatusCode.Created).Json!;
        (await secretary.PostAsync($"/api/committees/{committee}/meetings", meeting, key)).Expect(HttpStatusCode.OK);

        Assert.Equal("m1", recorded["meeting"]!["id"]!.GetValue<string>());
        Assert.Equal(["t1", "t2"], recorded["meeting"]!["taskIds"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.All(recorded["tasks"]!.AsArray(), t => Assert.Equal("m1", t!["meetingId"]!.GetValue<string>()));
        var assigned = await shelterBoard.WaitForAsync(i => i.Type == FeedItemType.TaskAssigned && i.CommitteeId == committee);
        Assert.Equal(("t1", "m1"), (assigned.TaskId, assigned.Data["meetingId"]));
        Assert.Equal("Places for minors", assigned.Data["indicatorName"]);

        var meetings = (await secretary.GetAsync($"/api/committees/{committee}/meetings")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Equal(date, Assert.Single(meetings)!["date"]!.GetValue<string>());
        Assert.Equal(2, (await secretary.GetAsync($"/api/committees/{committee}/plan")).Json!["tasks"]!.AsArray().Count);

        var invalid = (await secretary.PostAsync($"/api/committees/{committee}/meetings",
                new { date, title = "Third meeting", decisions = new object[] { new { area = "Protection", ownerAgencyId = shelter, dueDate = due } } }))
            .ExpectProblem(HttpStatusCode.BadRequest).Json!["errors"]!.AsObject();
        Assert.Equal(["decisions[0].title"], invalid.Select(e => e.Key));
        Assert.Single((await secretary.GetAsync($"/api/committees/{committee}/meetings")).Json!.AsArray());
    }
}
