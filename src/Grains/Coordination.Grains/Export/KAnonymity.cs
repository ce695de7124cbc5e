using Coordination.Contracts.Export;

namespace Coordination.Grains.Export;

/// <summary>
/// k-anonymity over the quasi-identifiers of a research export. Records whose combination of
/// quasi-identifiers is shared by fewer than k records have their most identifying remaining
/// field generalised to "*", round by round; records still in a class smaller than k once
/// everything is generalised are suppressed (left out). Every class released has at least k rows.
/// </summary>
public static class KAnonymity
{
    public const string Generalised = "*";

    /// <summary>Generalised first to last: the rarest and most locating fields go first.</summary>
    private static readonly Func<ResearchRecord, ResearchRecord>[] Generalisations =
    [
        r => r with { HomeRegion = Generalised },
        r => r with { DestinationCountry = Generalised },
        r => r with { ExploitationType = Generalised },
        r => r with { AgeBand = Generalised },
        r => r with { Outcome = Generalised },
        r => r with { Sex = Generalised },
        r => r with { Citizenship = Generalised },
        r => r with { Year = 0 },
    ];

    public static (IReadOnlyList<ResearchRecord> Released, int Suppressed) Apply(IReadOnlyList<ResearchRecord> records, int k)
    {
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(k), "k must be at least 1.");
        }

        var current = records.ToList();
        foreach (var generalise in Generalisations)
        {
            var small = SmallClasses(current, k);
            if (small.Count == 0)
            {
                return (current, 0);
            }

            current = current.Select(r => small.Contains(r) ? generalise(r) : r).ToList();
        }

        var stillSmall = SmallClasses(current, k);
        var released = current.Where(r => !stillSmall.Contains(r)).ToList();
        return (released, current.Count - released.Count);
    }

    public static string AgeBand(int age) => age switch
    {
        < 18 => "0-17",
        < 25 => "18-24",
        < 35 => "25-34",
        < 45 => "35-44",
        < 60 => "45-59",
        _ => "60+",
    };

    // Records are values (records compare by content), so a record stands for its whole class.
    private static HashSet<ResearchRecord> SmallClasses(IEnumerable<ResearchRecord> records, int k) =>
        records.GroupBy(r => r).Where(g => g.Count() < k).Select(g => g.Key).ToHashSet();
}
