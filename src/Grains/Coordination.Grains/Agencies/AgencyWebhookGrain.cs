using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Grains.Audit;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Agencies;

/// <summary>
/// One agency's webhook setting. The secret is written, never read back out: the view says only
/// whether one is set; the notification walker reads it from the table to sign.
/// </summary>
public sealed class AgencyWebhookGrain(
    NpgsqlDataSource db,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    ILogger<AgencyWebhookGrain> logger) : Grain, IAgencyWebhookGrain
{
    public async Task<AgencyWebhookView?> Get() =>
        await ExistsAsync() ? View(await AgencyWebhookStore.LoadAsync(db, this.GetPrimaryKeyString())) : null;

    public async Task<AgencyWebhookView?> Replace(string? url, string? secret, Actor actor)
    {
        if (!await ExistsAsync())
        {
            return null;
        }

        var agencyId = this.GetPrimaryKeyString();
        var webhook = url is null ? null : new StoredWebhook(url, secret!);
        await AgencyWebhookStore.SaveAsync(db, agencyId, webhook, clock.GetUtcNow(),
            NewAuditEntry.By(actor, [], "agency.webhook", webhook is null ? ["url"] : ["url", "secret"], agencyId));
        logger.LogInformation("Webhook of {AgencyId} {Change} by {Username}", agencyId, webhook is null ? "removed" : "set", actor.Username);
        return View(webhook);
    }

    private AgencyWebhookView View(StoredWebhook? webhook) => new(this.GetPrimaryKeyString(), webhook?.Url, webhook is not null);

    private async Task<bool> ExistsAsync() =>
        await GrainFactory.GetGrain<IAgencyDirectoryGrain>(0).Get(this.GetPrimaryKeyString()) is not null;
}
