using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Tests.Grains;

namespace Coordination.Tests.FollowUps;

/// <summary>A person brought home through the grains, for the tests of what happens after arrival.</summary>
public static class Returns
{
    /// <summary>
    /// Flags <paramref name="flag"/> at <paramref name="post"/>, has <paramref name="ngo"/> accept it, books the
    /// flight to FRU landing at <paramref name="arrival"/> and departs; then the NGO records <paramref name="then"/> in turn.
    /// </summary>
    public static async Task<CaseView> HomeAsync(Scenario s, Agency post, Agency ngo, FlagCase flag, DateTimeOffset arrival, params CaseEventType[] then)
    {
        var flagged = await s.Flag(post, flag);
        var grain = s.Case(flagged.Id);
        var staff = Scenario.Staff(post);
        var worker = Scenario.Staff(ngo);
        var current = await grain.AnswerReferral("r1", accept: true, null, worker);
        await grain.RecordEvent(CaseEventType.Verified, null, null, staff);
        await grain.RecordEvent(CaseEventType.DocumentsIssued, null, null, staff);
        await grain.BookTravel(new Travel("KC 912", "IST", "FRU", arrival, "IOM Istanbul", "Certificate of return", null), staff);
        current = await grain.RecordEvent(CaseEventType.Departed, null, null, staff);
        foreach (var type in then)
        {
            current = await grain.RecordEvent(type, null, null, worker);
        }

        return current;
    }
}
