namespace Coordination.Grains.Statistics;

/// <summary>Small-cell suppression of published statistics (section <c>Coordination:Statistics</c>).</summary>
public sealed class StatisticsOptions
{
    public const string Section = "Coordination:Statistics";

    /// <summary>
    /// The smallest count published: a count from 1 to MinCell − 1 is published as null. 1 turns
    /// suppression off (only for tests that check hand-worked figures).
    /// </summary>
    public int MinCell { get; set; } = 5;

    public bool IsValid => MinCell is >= 1 and <= 1000;
}

/// <summary>
/// Which counts of one statistics answer are published. A count between 1 and MinCell − 1 is
/// suppressed (primary suppression). Counts that add up to a published total form a group; the
/// suppressed part of a group — its suppressed counts plus whatever the group leaves unpublished
/// (persons neither female nor male, adults) — could be got back by subtraction, so while it is
/// between 1 and MinCell − 1 the smallest published count of the group is suppressed as well
/// (secondary suppression). Every suppressed count's JSON path is listed in <see cref="Paths"/>.
/// </summary>
public sealed class SmallCells(int minCell)
{
    private readonly List<string> _paths = [];

    public IReadOnlyList<string> Paths => _paths;

    public bool IsSmall(int count) => count > 0 && count < minCell;

    /// <summary>A count that adds up with no other.</summary>
    public int? Cell(string path, int count) => IsSmall(count) ? Suppress(path) : count;

    /// <summary>
    /// Counts that are parts of <paramref name="total"/> (published beside them); the parts may add
    /// up to less than the total, or — for a set-valued field, a case counted under each of its values —
    /// more, when nothing is left to subtract. Returns the published value of each part, by path.
    /// </summary>
    public IReadOnlyDictionary<string, int?> Parts(int total, IReadOnlyList<(string Path, int Count)> parts)
    {
        var published = parts.ToDictionary(p => p.Path, p => IsSmall(p.Count) ? null : (int?)p.Count, StringComparer.Ordinal);
        while (!IsSmall(total))
        {
            var hidden = total - published.Values.Sum(v => v ?? 0);
            if (!IsSmall(hidden))
            {
                break;
            }

            var smallest = published.Where(p => p.Value > 0).OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key).FirstOrDefault();
            if (smallest is null)
            {
                break;
            }

            published[smallest] = null;
        }

        foreach (var (path, count) in parts)
        {
            if (published[path] is null && count > 0)
            {
                _paths.Add(path);
            }
        }

        return published;
    }

    private int? Suppress(string path)
    {
        _paths.Add(path);
        return null;
    }
}
