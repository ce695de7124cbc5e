using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Audit;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Agencies;

/// <summary>
/// One agency's escalation policy, loaded by the first call of each activation and kept in memory:
/// the notification of every level of every item that requires acknowledgement reads it.
/// </summary>
public sealed class EscalationPolicyGrain(
    NpgsqlDataSource db,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    ILogger<EscalationPolicyGrain> logger) : Grain, IEscalationPolicyGrain, IIncomingGrainCallFilter
{
    private EscalationPolicy? _policy;

    /// <summary>Loads inside the call, not in OnActivateAsync, for the reason <see cref="AgencyDirectoryGrain"/> gives.</summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        _policy ??= await EscalationPolicyStore.Policies.LoadAsync(db, this.GetPrimaryKeyString());
        try
        {
            await context.Invoke();
        }
        catch (CommitOutcomeUnknownException)
        {
            // The new policy may or may not be stored: read it again rather than guess.
            _policy = null;
            throw;
        }
    }

    public async Task<EscalationPolicyView?> Get() =>
        await ZoneAsync() is { } zone ? View(_policy!, zone) : null;

    public async Task<EscalationPolicyView?> Replace(EscalationPolicy policy, Actor actor)
    {
        if (await ZoneAsync() is not { } zone)
        {
            return null;
        }

        var agencyId = this.GetPrimaryKeyString();
        var fields = new (string Field, bool Changed)[]
        {
            ("levels", !_policy!.Levels.SequenceEqual(policy.Levels)),
            ("quietHours", _policy.QuietHours != policy.QuietHours),
        }.Where(f => f.Changed).Select(f => f.Field).ToArray();
        if (fields.Length > 0)
        {
            await EscalationPolicyStore.Policies.SaveAsync(db, agencyId, policy, clock.GetUtcNow(), NewAuditEntry.By(actor, [], "agency.escalation", fields, agencyId));
            _policy = policy;
            logger.LogInformation("Escalation policy of {AgencyId} changed by {Username}: {Fields}", agencyId, actor.Username, fields);
            try
            {
                await GrainFactory.GetGrain<IAgencyFeedGrain>(agencyId).PolicyChanged(policy.Levels.Count > 0);
            }
            catch (Exception ex)
            {
                // The feed learns it at its next check anyway; until then new items wait for that check.
                logger.LogWarning("Feed of {AgencyId} not told of its new escalation policy ({Error})", agencyId, ex.GetType().Name);
            }
        }

        return View(_policy, zone);
    }

    private EscalationPolicyView View(EscalationPolicy policy, string zone) =>
        new(this.GetPrimaryKeyString(), zone, policy.Levels, policy.QuietHours);

    /// <summary>The agency's time zone, read each time: an administrator may change it.</summary>
    private async Task<string?> ZoneAsync() =>
        (await GrainFactory.GetGrain<IAgencyDirectoryGrain>(0).Get(this.GetPrimaryKeyString()))?.TimeZone;
}
