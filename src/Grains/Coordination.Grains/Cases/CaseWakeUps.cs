using Coordination.Contracts.Cases;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Grains.Cases;

/// <summary>
/// What wakes a case when a follow-up falls due, months after it was scheduled, when the arrival
/// of its journey home has gone unconfirmed past the grace, or when a referral has gone unanswered past its answer deadline. A case grain cannot hold a timer that
/// long, and a reminder per case would be a second write beside the case's own transaction. Instead
/// the case's row carries <c>next_follow_up_at</c>, <c>arrival_watch_at</c> and <c>referral_due_at</c>, written by the same
/// commit that changes its follow-ups, its journey or its referrals, and every silo asks the database, on start and
/// every <see cref="FollowUpOptions.CheckEvery"/>, for the cases whose time has come, and wakes each
/// (<see cref="ICaseGrain.RaiseDueFollowUps"/>, <see cref="ICaseGrain.RaiseArrivalNotConfirmed"/>, <see cref="ICaseGrain.ExpireUnansweredReferrals"/>).
/// Whatever fell due while the cluster was down is found by the first look after it starts
/// (<see cref="PeriodicLook"/>). Waking
/// is idempotent — a case is one activation cluster-wide and raises a follow-up, or the alert of an
/// arrival, once, and expires a referral once (it is then no longer pending) — so silos looking at the same time only repeat a check.
/// </summary>
public sealed class CaseWakeUps(
    NpgsqlDataSource db,
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    IOptions<FollowUpOptions> options,
    IOptions<ArrivalOptions> arrivalOptions,
    ILogger<CaseWakeUps> logger) : PeriodicLook(lifetime, clock, logger)
{
    /// <summary>Most cases woken by one look; the next look takes the rest.</summary>
    private const int Batch = 500;

    protected override TimeSpan Every => options.Value.CheckEvery;

    protected override string Purpose => "follow-ups, arrival alerts and referral expiries due";

    protected override Task LookAsync(CancellationToken cancellationToken) => WakeDueAsync(cancellationToken);

    /// <summary>Wakes every case with a follow-up, an arrival alert or a referral expiry due by now; returns how many follow-ups and arrival alerts were raised and referrals expired.</summary>
    public async Task<int> WakeDueAsync(CancellationToken cancellationToken = default)
    {
        var due = await CaseStore.WakeUpsDueAsync(db, Clock.GetUtcNow(), arrivalOptions.Value.Grace, Batch, cancellationToken);
        var raised = await Task.WhenAll(due.Select(async caseId =>
        {
            try
            {
                var grain = grains.GetGrain<ICaseGrain>(caseId);
                return await grain.RaiseDueFollowUps() + await grain.RaiseArrivalNotConfirmed() + await grain.ExpireUnansweredReferrals();
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Could not raise what is due for case {CaseId} ({Error}); the next look retries", caseId, ex.GetType().Name);
                return 0;
            }
        }));

        if (due.Count > 0)
        {
            logger.LogInformation("Case wake-ups: {Cases} cases had follow-ups, arrival alerts or referral expiries due, {Raised} raised", due.Count, raised.Sum());
        }

        return raised.Sum();
    }
}
