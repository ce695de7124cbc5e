using Coordination.Contracts.Export;
using Coordination.Grains.Export;

namespace Coordination.Tests.Export;

public sealed class KAnonymityTests
{
    private static ResearchRecord Row(string sex = "F", string age = "25-34", string destination = "AE", string type = "Labour", string region = "Naryn") =>
        new(2026, "KG", sex, age, destination, type, region, "Returned");

    [Fact]
    public void Classes_of_at_least_k_are_released_unchanged()
    {
        var rows = Enumerable.Repeat(Row(), 5).ToList();
        var (released, suppressed) = KAnonymity.Apply(rows, 5);
        Assert.Equal(rows, released);
        Assert.Equal(0, suppressed);
    }

    [Fact]
    public void A_rare_home_region_is_generalised_before_anything_else()
    {
        var rows = Enumerable.Repeat(Row(region: "Naryn"), 3).Concat(Enumerable.Repeat(Row(region: "Talas"), 2)).ToList();
        var (released, suppressed) = KAnonymity.Apply(rows, 5);
        Assert.Equal(0, suppressed);
        Assert.All(released, r => Assert.Equal(KAnonymity.Generalised, r.HomeRegion));
        Assert.All(released, r => Assert.Equal("AE", r.DestinationCountry));
    }

    [Fact]
    public void A_person_who_stands_out_on_every_field_is_suppressed()
    {
        var rows = Enumerable.Repeat(Row(), 6).Append(Row(sex: "M", age: "60+", destination: "RU", type: "Begging", region: "Batken")).ToList();
        var (released, suppressed) = KAnonymity.Apply(rows, 5);
        Assert.Equal(1, suppressed);
        Assert.Equal(6, released.Count);
        Assert.DoesNotContain(released, r => r.Sex == "M");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(10)]
    public void No_released_class_is_smaller_than_k(int k)
    {
        var random = new Random(42);
        string Pick(params string[] values) => values[random.Next(values.Length)];
        var rows = Enumerable.Range(0, 300).Select(_ => Row(
            Pick("F", "M"), Pick("0-17", "18-24", "25-34", "35-44"), Pick("AE", "RU", "TR", "KZ"),
            Pick("Labour", "Sexual", "Domestic"), Pick("Naryn", "Osh", "Chui", "Talas", "Batken"))).ToList();

        var (released, suppressed) = KAnonymity.Apply(rows, k);

        Assert.Equal(rows.Count, released.Count + suppressed);
        Assert.All(released.GroupBy(r => r), g => Assert.True(g.Count() >= k, $"class {g.Key} has {g.Count()} rows"));
    }
}
