using Coordination.Grains.Statistics;

namespace Coordination.Tests.Statistics;

public sealed class PersonIdentityTests
{
    [Fact]
    public void Same_passport_is_one_person_whatever_the_spelling_of_number_or_name()
    {
        var cases = new[]
        {
            Marks("KZ", "N1234567", "Aigerim Seitova", 1990),
            Marks("KZ", "n 123-4567", "Aygerim Seytova", 1990),
        };

        Assert.Single(PersonIdentity.Persons(cases));
    }

    [Fact]
    public void Without_a_passport_the_normalised_name_and_birth_year_decide()
    {
        var cases = new[]
        {
            Marks("TJ", null, "Дилноза  Рахимова", 2009),
            Marks("TJ", null, " дилноза рахимова. ", 2009),
            Marks("TJ", "A7654321", "ДИЛНОЗА РАХИМОВА", 2009),
            Marks("TJ", null, "Дилноза Рахимова", 2008),
            Marks("TJ", null, "Фёдор Иванов", 1980),
            Marks("TJ", null, "Федор Иванов", 1980),
        };

        var persons = PersonIdentity.Persons(cases).Select(p => p.Order().ToArray()).OrderBy(p => p[0]).ToList();

        Assert.Equal([[0, 1, 2], [3], [4, 5]], persons);
    }

    [Fact]
    public void Different_passports_are_different_persons_and_a_shared_name_does_not_join_them()
    {
        var cases = new[]
        {
            Marks("KZ", "N1234567", "Aigerim Seitova", 1990),
            Marks("KZ", "N9999999", "Aigerim Seitova", 1990),
            Marks("KZ", null, "Aigerim Seitova", 1990),
        };

        // The passport-less case could be either of them: it is counted on its own.
        Assert.Equal(3, PersonIdentity.Persons(cases).Count);
    }

    [Fact]
    public void The_same_passport_number_of_another_country_is_another_person()
    {
        Assert.Equal(2, PersonIdentity.Persons([Marks("KZ", "N1234567", "A B", 1990), Marks("UZ", "N1234567", "A B", 1990)]).Count);
    }

    private static PersonMarks Marks(string citizenship, string? passport, string name, int birthYear) =>
        new(PersonIdentity.PassportKey(citizenship, passport), PersonIdentity.NameKey(citizenship, name, birthYear));
}
