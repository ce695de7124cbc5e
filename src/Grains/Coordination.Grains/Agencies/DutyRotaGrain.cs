using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Grains.Audit;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Agencies;

/// <summary>
/// One agency's duty rota, loaded by the first call of each activation and kept in memory: the
/// dashboards of every user of the agency ask who is on duty, and escalation asks for every alert.
/// "Now" is the domain clock's, so who is on duty moves with it.
/// </summary>
public sealed class DutyRotaGrain(
    NpgsqlDataSource db,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    ILogger<DutyRotaGrain> logger) : Grain, IDutyRotaGrain, IIncomingGrainCallFilter
{
    private DutyRota? _rota;

    /// <summary>Loads inside the call, not in OnActivateAsync, for the reason <see cref="AgencyDirectoryGrain"/> gives.</summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        _rota ??= await DutyRotaStore.Rotas.LoadAsync(db, this.GetPrimaryKeyString());
        try
        {
            await context.Invoke();
        }
        catch (CommitOutcomeUnknownException)
        {
            // The new rota may or may not be stored: read it again rather than guess.
            _rota = null;
            throw;
        }
    }

    public async Task<DutyRotaView?> Get() =>
        await ZoneAsync() is { } zone ? View(_rota!, zone) : null;

    public async Task<DutyRotaView?> Replace(DutyRota rota, Actor actor)
    {
        if (await ZoneAsync() is not { } zone)
        {
            return null;
        }

        var agencyId = this.GetPrimaryKeyString();
        var fields = new (string Field, bool Changed)[]
        {
            ("shifts", !_rota!.Shifts.SequenceEqual(rota.Shifts, ShiftComparer.Instance)),
            ("overrides", !_rota.Overrides.SequenceEqual(rota.Overrides)),
        }.Where(f => f.Changed).Select(f => f.Field).ToArray();
        if (fields.Length > 0)
        {
            await DutyRotaStore.Rotas.SaveAsync(db, agencyId, rota, clock.GetUtcNow(), NewAuditEntry.By(actor, [], "agency.rota", fields, agencyId));
            _rota = rota;
            logger.LogInformation("Duty rota of {AgencyId} changed by {Username}: {Fields}", agencyId, actor.Username, fields);
        }

        return View(_rota, zone);
    }

    public async Task<OnCall?> OnCall() =>
        await ZoneAsync() is { } zone ? new OnCallSchedule(_rota!, zone).At(clock.GetUtcNow()) : null;

    private DutyRotaView View(DutyRota rota, TimeZoneInfo zone) =>
        new(this.GetPrimaryKeyString(), zone.Id, rota.Shifts, rota.Overrides, new OnCallSchedule(rota, zone).Gaps(clock.GetUtcNow()));

    /// <summary>The agency's time zone, read each time: an administrator may change it.</summary>
    private async Task<TimeZoneInfo?> ZoneAsync() =>
        await GrainFactory.GetGrain<IAgencyDirectoryGrain>(0).Get(this.GetPrimaryKeyString()) is { } agency
            ? TimeZoneInfo.FindSystemTimeZoneById(agency.TimeZone)
            : null;

    /// <summary>Records compare their lists by reference; two shifts are the same when their days are.</summary>
    private sealed class ShiftComparer : IEqualityComparer<DutyShift>
    {
        public static readonly ShiftComparer Instance = new();

        public bool Equals(DutyShift? x, DutyShift? y) =>
            x is not null && y is not null && x.Days.SequenceEqual(y.Days, StringComparer.Ordinal)
            && x.From == y.From && x.To == y.To && x.Username == y.Username;

        public int GetHashCode(DutyShift obj) => HashCode.Combine(obj.From, obj.To, obj.Username);
    }
}
