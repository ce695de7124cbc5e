using System.Globalization;
using System.Net;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Committees;

/// <summary>
/// The secretary reassigns a task to another agency of the country: the new owner is asked to
/// acknowledge it, the old one is told and its assignment stops escalating, and the task moves from
/// one's board to the other's. Nobody else reassigns, and never to an agency of another country.
/// </summary>
[Collection(CommitteeSystemCollection.Name)]
public sealed class TaskReassignmentTests(CommitteeSystemFixture fixture)
{
    private static readonly string Due = DateTime.UtcNow.AddDays(45).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_secretary_reassigns_a_task_the_new_owner_is_asked_to_acknowledge_and_the_old_one_is_told_and_loses_it()
    {
        var field = await Field.CreateAsync(fixture.System);
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "kg-reassign", "KG", "Asia/Bishkek");
        var labour = await field.AgencyAsync("kg-labour", Plans.Agency("Ministry", "Ministry of Labour", "KG", "Asia/Bishkek"));
        var police = await field.AgencyAsync("kg-police", Plans.Agency("LawEnforcement", "Ministry of Internal Affairs", "KG", "Asia/Bishkek"));
        var foreign = await field.AgencyAsync("kz-police", Plans.Agency("LawEnforcement", "MVD of Kazakhstan", "KZ", "Asia/Almaty"));
        using var labourUser = await field.UserAsync("labour", labour, "NgoCaseworker");
        using var policeUser = await field.UserAsync("police", police, "NgoCaseworker");
        await using var labourBoard = await DashboardClient.ConnectAsync(field.WebUrl, labourUser.Token!);
        await using var policeBoard = await DashboardClient.ConnectAsync(field.WebUrl, policeUser.Token!);
        var taskId = (await secretary.PostAsync($"/api/committees/{committee}/tasks",
                new { title = "Identify victims in labour inspections", area = "Prevention", ownerAgencyId = labour, dueDate = Due }))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        var firstAssignment = await labourBoard.WaitForAsync(i => i.Type == FeedItemType.TaskAssigned && i.TaskId == taskId);
        Assert.True(firstAssignment.RequiresAck);
        var url = $"/api/committees/{committee}/tasks/{taskId}";

        // Only the secretary reassigns, and only to an existing agency of the committee's country.
        (await labourUser.SendAsync(HttpMethod.Patch, url, new { ownerAgencyId = police })).ExpectProblem(HttpStatusCode.Forbidden);
        var errors = (await secretary.SendAsync(HttpMethod.Patch, url, new { ownerAgencyId = foreign })).ExpectProblem(HttpStatusCode.BadRequest).Json!["errors"]!;
        Assert.Contains("KZ", errors["ownerAgencyId"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        (await secretary.SendAsync(HttpMethod.Patch, url, new { ownerAgencyId = field.Id("nobody") })).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Equal(labour, (await secretary.GetAsync(url)).Expect(HttpStatusCode.OK).Json!["ownerAgencyId"]!.GetValue<string>());

        var reassigned = (await secretary.SendAsync(HttpMethod.Patch, url, new { ownerAgencyId = police, note = "The police inspect the sites" }))
            .Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(police, reassigned["ownerAgencyId"]!.GetValue<string>());
        var change = reassigned["history"]!.AsArray()[^1]!;
        Assert.Equal(police, change["ownerAgencyId"]!.GetValue<string>());

        // The new owner is asked to acknowledge, and has the task on its board.
        var assigned = await policeBoard.WaitForAsync(i => i.Type == FeedItemType.TaskAssigned && i.TaskId == taskId);
        Assert.True(assigned.RequiresAck);
        Assert.Equal(police, assigned.Data["ownerAgencyId"]);
        Assert.Equal([taskId], (await policeUser.GetAsync($"/api/committees/{committee}/plan")).Expect(HttpStatusCode.OK).Json!["tasks"]!.AsArray()
            .Select(t => t!["id"]!.GetValue<string>()));

        // The old owner is told, its assignment no longer escalates, and the task is out of its sight.
        var told = await labourBoard.WaitForAsync(i => i.Type == FeedItemType.TaskUpdated && i.TaskId == taskId);
        Assert.Equal(labour, told.Data["previousOwnerAgencyId"]);
        Assert.Equal(police, told.Data["ownerAgencyId"]);
        var labourFeed = (await labourUser.GetAsync("/api/feed?limit=1000")).Expect(HttpStatusCode.OK).As<List<FeedItem>>();
        Assert.NotNull(labourFeed.Single(i => i.Id == firstAssignment.Id).AcknowledgedAt);
        (await labourUser.GetAsync(url)).ExpectProblem(HttpStatusCode.NotFound);
        (await labourUser.SendAsync(HttpMethod.Patch, url, new { status = "Done" })).ExpectProblem(HttpStatusCode.NotFound);

        // Given back, the first owner is asked again: a new assignment, not the old one repeated.
        (await secretary.SendAsync(HttpMethod.Patch, url, new { ownerAgencyId = labour })).Expect(HttpStatusCode.OK);
        // (The first assignment comes back too, settled: the dashboard hears of every change to an item.)
        var again = await labourBoard.WaitForAsync(i => i.Type == FeedItemType.TaskAssigned && i.TaskId == taskId && i.Id != firstAssignment.Id);
        Assert.Null(again.AcknowledgedAt);
        Assert.True(again.RequiresAck);
        var policeFeed = (await policeUser.GetAsync("/api/feed?limit=1000")).Expect(HttpStatusCode.OK).As<List<FeedItem>>();
        Assert.NotNull(policeFeed.Single(i => i.Id == assigned.Id).AcknowledgedAt);
    }
}
