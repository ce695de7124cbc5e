using System.Collections.Concurrent;
using Coordination.Contracts.Feeds;
using Coordination.Web.Auth;
using Coordination.Web.RateLimits;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Coordination.Web.Feeds;

/// <summary>
/// The live dashboard connection. It joins its agency's group on connect — the agency comes from
/// the token, never from the client — and can ask for what it missed with <c>Since</c>. No method
/// takes an agency: a client cannot reach another agency's items whatever it sends.
/// </summary>
[Authorize]
public sealed class DashboardHub(IClusterClient cluster, DashboardConnections connections, FeedWatches watches) : Hub
{
    public static string GroupFor(string agencyId) => $"agency:{agencyId}";

    public override async Task OnConnectedAsync()
    {
        var agency = Context.User?.FindFirst(CoordinationClaims.Agency)?.Value;
        var username = Context.User?.FindFirst(CoordinationClaims.Username)?.Value;
        if (agency is null || username is null)
        {
            Context.Abort();
            return;
        }

        if (!connections.TryAdd(Context, username, agency, TokenIssuer.IssuedAtOf(Context.User!)))
        {
            // Reached only by connections that passed negotiation together; the others got 429 there.
            throw new HubException("This account or its agency already has as many dashboards open as allowed; close one first.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, GroupFor(agency));
        // Awaited: the client's first Since is served only after this returns, so every item is either
        // in that answer or pushed to this host by the feed (or found by the push check) afterwards.
        await watches.WatchAsync(agency);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
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

/// <summary>
/// The dashboard connections open on this web host, by user and agency: so that revoking an account
/// can close them, and so that neither holds more than <see cref="RateLimitOptions"/> allows.
/// </summary>
public sealed class DashboardConnections(IOptions<RateLimitOptions> options)
{
    private readonly ConcurrentDictionary<string, Connection> _open = new(StringComparer.Ordinal);
    private readonly Lock _adding = new();

    public sealed record Connection(string Username, string AgencyId, DateTimeOffset TokenIssuedAt, HubCallerContext Context);

    /// <summary>Records the connection unless its user or agency already holds as many as allowed.</summary>
    public bool TryAdd(HubCallerContext context, string username, string agencyId, DateTimeOffset tokenIssuedAt)
    {
        lock (_adding)
        {
            if (IsFull(username, agencyId))
            {
                return false;
            }

            _open[context.ConnectionId] = new Connection(username, agencyId, tokenIssuedAt, context);
            return true;
        }
    }

    public bool IsFull(string username, string? agencyId)
    {
        var limits = options.Value;
        var open = _open.Values;
        return open.Count(c => c.Username == username) >= limits.DashboardsPerUser
            || (agencyId is not null && open.Count(c => c.AgencyId == agencyId) >= limits.DashboardsPerAgency);
    }

    public void Remove(string connectionId) => _open.TryRemove(connectionId, out _);

    public IReadOnlyList<Connection> All => _open.Values.ToList();

    /// <summary>The agencies with at least one dashboard open here.</summary>
    public IReadOnlyList<string> Agencies => _open.Values.Select(c => c.AgencyId).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Closes every open connection of the user; returns how many.</summary>
    public int CloseAll(string username)
    {
        var closing = _open.Values.Where(c => c.Username == username).ToList();
        foreach (var connection in closing)
        {
            Close(connection);
        }

        return closing.Count;
    }

    public void Close(Connection connection)
    {
        _open.TryRemove(connection.Context.ConnectionId, out _);
        connection.Context.Abort();
    }
}

/// <summary>
/// Closes open dashboard connections whose account was disabled or whose tokens were revoked on
/// another web host (this host closes its own at once). Tokens that merely expire close the
/// connection through SignalR's <c>CloseOnAuthenticationExpiration</c>.
/// </summary>
public sealed class DashboardAccessSweep(
    DashboardConnections connections, AccountAccess access, IOptions<AuthOptions> options, ILogger<DashboardAccessSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AccessCheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var connection in connections.All)
            {
                try
                {
                    if (!await access.AcceptsAsync(connection.Username, connection.TokenIssuedAt, stoppingToken))
                    {
                        connections.Close(connection);
                        logger.LogInformation("Dashboard connection of {Username} closed: access revoked", connection.Username);
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning("Checking the account behind a dashboard connection failed ({Error}); checking again later", ex.GetType().Name);
                }
            }
        }
    }
}
