using Coordination.Contracts.Feeds;
using Coordination.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Coordination.Web.Feeds;

/// <summary>
/// The live dashboard connection. It joins its agency's group on connect — the agency comes from
/// the token, never from the client — and can ask for what it missed with <c>Since</c>.
/// </summary>
[Authorize]
public sealed class DashboardHub(IClusterClient cluster) : Hub
{
    public static string GroupFor(string agencyId) => $"agency:{agencyId}";

    public override async Task OnConnectedAsync()
    {
        var agency = Context.User?.FindFirst(CoordinationClaims.Agency)?.Value;
        if (agency is null)
        {
            Context.Abort();
            return;
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, GroupFor(agency));
        await base.OnConnectedAsync();
    }

    /// <summary>The items of the caller's agency after <paramref name="afterSeq"/>, ascending (at most 1000; ask again from the last).</summary>
    public Task<IReadOnlyList<FeedItem>> Since(long afterSeq)
    {
        var agency = Context.User?.FindFirst(CoordinationClaims.Agency)?.Value
            ?? throw new HubException("Your account belongs to no agency.");
        if (afterSeq < 0)
        {
            throw new HubException("afterSeq must be zero or positive.");
        }

        return cluster.GetGrain<IAgencyFeedGrain>(agency).Since(afterSeq, FeedApi.MaxPage);
    }
}
