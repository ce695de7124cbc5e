using System.Collections.Concurrent;
using Coordination.Chaos.Checking;

namespace Coordination.Chaos;

/// <summary>Collects the history of a run from every worker, dashboard and the fault injector at once.</summary>
public sealed class Recorder(TimeProvider clock)
{
    private readonly ConcurrentQueue<Attempt> _attempts = new();
    private readonly ConcurrentQueue<Receipt> _receipts = new();
    private readonly ConcurrentQueue<Disconnection> _disconnections = new();
    private readonly ConcurrentQueue<Fault> _faults = new();
    private long _requests;

    public DateTimeOffset Now => clock.GetUtcNow();

    public long NextRequestId() => Interlocked.Increment(ref _requests);

    public void Add(Attempt attempt) => _attempts.Enqueue(attempt);

    public void Add(Receipt receipt) => _receipts.Enqueue(receipt);

    public void Add(Disconnection disconnection) => _disconnections.Enqueue(disconnection);

    public void Add(Fault fault) => _faults.Enqueue(fault);

    public IReadOnlyList<Fault> Faults => [.. _faults];

    public History Snapshot(string seed, DateTimeOffset start, DateTimeOffset loadEnd, IReadOnlyList<Dashboard> dashboards) =>
        new(seed, start, loadEnd, [.. _attempts], [.. _receipts], [.. _disconnections], [.. _faults], dashboards);
}
