namespace Coordination.Grains.Feeds;

/// <summary>
/// The last <see cref="Capacity"/> change ids a feed wrote (<see cref="FeedLog"/>), so that a second
/// delivery of one is answered without writing. Not thread-safe: a feed writes one change at a time.
/// </summary>
internal sealed class RecentChanges
{
    private const int Capacity = 1024;
    private readonly HashSet<Guid> _ids = [];
    private readonly Queue<Guid> _order = new();

    public bool Contains(Guid changeId) => _ids.Contains(changeId);

    public void AddRange(IEnumerable<Guid> changeIds)
    {
        foreach (var id in changeIds)
        {
            if (_ids.Add(id))
            {
                _order.Enqueue(id);
                if (_order.Count > Capacity)
                {
                    _ids.Remove(_order.Dequeue());
                }
            }
        }
    }
}
