using System.Globalization;
using System.Text;

namespace Coordination.Grains.Statistics;

/// <summary>What statistics know of one case's person: enough to tell persons apart, nothing to show.</summary>
public sealed record PersonMarks(string? PassportKey, string? NameKey);

/// <summary>
/// Tells persons apart across cases. Two cases are the same person when their passports match
/// (citizenship + number, ignoring case, spaces and dashes); when a passport is missing on either
/// side, when their normalised full name and birth year match. A name shared by several different
/// passports is ambiguous: cases without a passport under that name are then not merged with any
/// of them, so a person is counted twice rather than two persons once.
/// </summary>
public static class PersonIdentity
{
    public static string? PassportKey(string citizenship, string? passportNumber)
    {
        var number = new string((passportNumber ?? string.Empty).Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();
        return number.Length == 0 ? null : $"{citizenship}|{number}";
    }

    /// <summary>Name folded to compatibility form and lower case, punctuation dropped, spaces collapsed; ё as е.</summary>
    public static string? NameKey(string citizenship, string? fullName, int? birthYear)
    {
        if (string.IsNullOrWhiteSpace(fullName) || birthYear is null)
        {
            return null;
        }

        var folded = new StringBuilder();
        foreach (var c in fullName.Normalize(NormalizationForm.FormKC).ToLower(CultureInfo.InvariantCulture))
        {
            if (char.IsLetterOrDigit(c))
            {
                folded.Append(c == 'ё' ? 'е' : c);
            }
            else if (folded.Length > 0 && folded[^1] != ' ')
            {
                folded.Append(' ');
            }
        }

        var name = folded.ToString().Trim();
        return name.Length == 0 ? null : $"{citizenship}|{name}|{birthYear.Value.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The marks of a case's person, as <see cref="Persons"/> compares them.</summary>
    public static PersonMarks MarksOf(string citizenship, string? fullName, int? birthYear, string? passportNumber) =>
        new(PassportKey(citizenship, passportNumber), NameKey(citizenship, fullName, birthYear));

    /// <summary>Which of <paramref name="others"/> are the same person as <paramref name="one"/>, by <see cref="Persons"/>' rule.</summary>
    public static IReadOnlyList<int> SamePersonAs(PersonMarks one, IReadOnlyList<PersonMarks> others)
    {
        var group = Persons([one, .. others]).Single(g => g.Contains(0));
        return group.Where(i => i > 0).Select(i => i - 1).Order().ToList();
    }

    /// <summary>Groups case indexes into persons; each group is one person.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> Persons(IReadOnlyList<PersonMarks> cases)
    {
        var parent = Enumerable.Range(0, cases.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        void Union(int a, int b) => parent[Find(a)] = Find(b);

        foreach (var group in Enumerable.Range(0, cases.Count).Where(i => cases[i].PassportKey is not null).GroupBy(i => cases[i].PassportKey))
        {
            foreach (var i in group.Skip(1))
            {
                Union(group.First(), i);
            }
        }

        foreach (var group in Enumerable.Range(0, cases.Count).Where(i => cases[i].NameKey is not null).GroupBy(i => cases[i].NameKey))
        {
            var passports = group.Select(i => cases[i].PassportKey).OfType<string>().Distinct().Count();
            var joinable = passports <= 1 ? group.ToList() : group.Where(i => cases[i].PassportKey is null).ToList();
            foreach (var i in joinable.Skip(1))
            {
                Union(joinable[0], i);
            }
        }

        return Enumerable.Range(0, cases.Count).GroupBy(Find).Select(g => (IReadOnlyList<int>)g.ToList()).ToList();
    }
}
