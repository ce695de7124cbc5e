using System.Diagnostics;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Coordination.Benchmarks;

/// <summary>Real dashboard connections (the harness's <see cref="DashboardClient"/>) that report each push as it arrives.</summary>
public static class Dashboards
{
    public static async Task<DashboardClient> ListenAsync(Uri webUrl, string token, Action<FeedItem, long> onItem)
    {
        var client = await DashboardClient.ConnectAsync(webUrl, token);
        client.Connection.On<FeedItem>("feed", item => onItem(item, Stopwatch.GetTimestamp()));
        return client;
    }

    /// <summary>One dashboard per receiving agency, each recording the referrals it is pushed on <paramref name="board"/> by case id.</summary>
    public static async Task<IReadOnlyList<DashboardClient>> ListenToReferralsAsync(BenchSystem system, ReceiptBoard board) =>
        await ListenAllAsync(system, (item, at) =>
        {
            if (item.Type == FeedItemType.ReferralReceived && item.CaseId is { } caseId)
            {
                board.Record(caseId, at);
            }
        });

    public static async Task<IReadOnlyList<DashboardClient>> ListenAllAsync(BenchSystem system, Action<FeedItem, long> onItem)
    {
        var clients = new DashboardClient[system.Receivers.Count];
        await Parallel.ForEachAsync(system.Receivers, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (receiver, _) =>
            clients[receiver.Index] = await ListenAsync(system.Processes.WebUrl, receiver.Token, onItem));
        return clients;
    }

    public static async Task CloseAsync(IEnumerable<DashboardClient> clients)
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }
}
