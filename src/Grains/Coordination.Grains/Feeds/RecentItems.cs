using Coordination.Contracts.Feeds;

namespace Coordination.Grains.Feeds;

/// <summary>
/// The latest items of one feed, kept by its grain so that dashboards can still catch up while
/// the database is unreachable. Only a gap-free run of seqs is ever served: an item this
/// activation never saw would otherwise be skipped for good by a client that moves past it.
/// </summary>
public sealed class RecentItems
{
    private const int Capacity = 1000;
    private readonly SortedList<long, FeedItem> _items = [];

    public void Remember(IEnumerable<FeedItem> items)
    {
        foreach (var item in items)
        {
            _items[item.Seq] = item;
        }

        while (_items.Count > Capacity)
        {
            _items.RemoveAt(0);
        }
    }

    /// <summary>True when every item after <paramref name="afterSeq"/> that this activation knows of is held without a gap.</summary>
    public bool Covers(long afterSeq) => _items.Count > 0 && _items.Keys[0] <= afterSeq + 1;

    public IReadOnlyList<FeedItem> After(long afterSeq, int limit)
    {
        var result = new List<FeedItem>();
        var expected = afterSeq + 1;
        foreach (var (seq, item) in _items)
        {
            if (seq < expected)
            {
                continue;
            }

            if (seq != expected || result.Count == limit)
            {
                break;
            }

            result.Add(item);
            expected++;
        }

        return result;
    }
}
