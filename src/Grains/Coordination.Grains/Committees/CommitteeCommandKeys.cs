using Coordination.Contracts.Common;
using Coordination.Contracts.Committees;
using Coordination.Grains.Idempotency;

namespace Coordination.Grains.Committees;

/// <summary>What an earlier command under a key created: its tasks, and the meeting that decided them.</summary>
public sealed record CommandOutcome(IReadOnlyList<string> TaskIds, string? MeetingId);

/// <summary>
/// The Idempotency-Keys of plan commands, kept with every other command's (<see cref="IdempotencyStore"/>):
/// a command claims its key in the transaction that stores its effect (<see cref="CommitteeStore.SaveAsync"/>),
/// recording what it created as a resource path (<c>committees/{id}/tasks/t1,t2</c> or
/// <c>committees/{id}/meetings/m3</c>), so a command and its key commit together or not at all.
/// </summary>
public static class CommitteeCommandKeys
{
    public static string Tasks(string committeeId, IEnumerable<string> taskIds) => $"committees/{committeeId}/tasks/{string.Join(',', taskIds)}";

    public static string Meeting(string committeeId, string meetingId) => $"committees/{committeeId}/meetings/{meetingId}";

    /// <summary>
    /// What the command first run under <paramref name="request"/>'s key created, for a retry of it;
    /// null when the key is new; 409 when the key was used for a different request, another
    /// committee or another endpoint.
    /// </summary>
    public static CommandOutcome? Replay(IdempotencyRecord? previous, string committeeId, IdempotentRequest request)
    {
        if (previous is null)
        {
            return null;
        }

        var prefix = $"committees/{committeeId}/";
        if (previous.Hash != request.Hash || previous.ResourceId is not { } resource || !resource.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw DomainException.Conflict("This Idempotency-Key was already used with a different request.");
        }

        var (kind, ids) = (resource[prefix.Length..].Split('/', 2) is [var k, var rest] ? (k, rest) : (string.Empty, string.Empty));
        return kind switch
        {
            "tasks" => new CommandOutcome(ids.Length == 0 ? [] : ids.Split(','), null),
            "meetings" => new CommandOutcome([], ids),
            _ => throw DomainException.Conflict("This Idempotency-Key was already used with a different request."),
        };
    }
}
