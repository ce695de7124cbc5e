using Coordination.Contracts.Committees;
using Coordination.Contracts.Common;

namespace Coordination.Grains.Committees;

/// <summary>
/// The Idempotency-Keys of a plan's commands and what each created, kept in the plan's own state so
/// that a command and its key are stored by one write. The most recent <see cref="Kept"/> are kept.
/// </summary>
public static class CommandLog
{
    public const int Kept = 500;

    /// <summary>What an earlier command under the same key created; 409 when that command was a different request.</summary>
    public static CommandRecord? Replay(IReadOnlyList<CommandRecord> log, string agencyId, IdempotentRequest? request)
    {
        if (request is null)
        {
            return null;
        }

        var previous = log.FirstOrDefault(c => c.AgencyId == agencyId && c.Key == request.Key);
        if (previous is not null && previous.Hash != request.Hash)
        {
            throw DomainException.Conflict("This Idempotency-Key was already used with a different request.");
        }

        return previous;
    }

    /// <summary>Records what a command under a key created, forgetting the oldest beyond <see cref="Kept"/>.</summary>
    public static void Remember(List<CommandRecord> log, string agencyId, IdempotentRequest? request, IEnumerable<PlanTaskState> created, string? meetingId)
    {
        if (request is null)
        {
            return;
        }

        log.Add(new CommandRecord(agencyId, request.Key, request.Hash, created.Select(t => t.Id).ToList(), meetingId));
        if (log.Count > Kept)
        {
            log.RemoveRange(0, log.Count - Kept);
        }
    }
}
