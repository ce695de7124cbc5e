using Coordination.Grains.Statistics;

namespace Coordination.Tests.Statistics;

public sealed class SmallCellsTests
{
    [Fact]
    public void A_count_from_one_to_the_minimum_cell_minus_one_is_suppressed_zero_and_larger_are_not()
    {
        var cells = new SmallCells(5);
        Assert.Equal(new int?[] { 0, null, null, 5, 12 }, new[] { 0, 1, 4, 5, 12 }.Select(c => cells.Cell($"c{c}", c)));
        Assert.Equal(["c1", "c4"], cells.Paths);
    }

    [Fact]
    public void A_part_that_could_be_subtracted_from_the_total_is_suppressed_with_the_next_smallest()
    {
        var cells = new SmallCells(5);
        // 20 = 12 + 6 + 2: hiding 2 alone would leave it as 20 − 12 − 6, so 6 goes too (hidden 8).
        var published = cells.Parts(20, [("a", 12), ("b", 6), ("c", 2)]);
        Assert.Equal((12, (int?)null, (int?)null), (published["a"]!.Value, published["b"], published["c"]));
        Assert.Equal(["b", "c"], cells.Paths);
    }

    [Fact]
    public void What_a_group_leaves_unpublished_counts_as_hidden_too()
    {
        // 9 persons, 6 female, 0 male: the 3 others (neither) would be 9 − 6 − 0.
        var cells = new SmallCells(5);
        var published = cells.Parts(9, [("female", 6), ("male", 0)]);
        Assert.Null(published["female"]);
        Assert.Equal(0, published["male"]);
        Assert.Equal(["female"], cells.Paths);

        // Hidden enough already: 10 = 5 + 5 others; nothing more to hide.
        var enough = new SmallCells(5).Parts(10, [("female", 5), ("male", 0)]);
        Assert.Equal(5, enough["female"]);
    }

    [Fact]
    public void A_small_total_hides_every_part_and_a_minimum_cell_of_one_hides_nothing()
    {
        var cells = new SmallCells(5);
        var published = cells.Parts(3, [("a", 2), ("b", 1), ("c", 0)]);
        Assert.Equal(((int?)null, (int?)null, (int?)0), (published["a"], published["b"], published["c"]));

        var off = new SmallCells(1);
        Assert.Equal(1, off.Parts(2, [("a", 1), ("b", 1)])["a"]);
        Assert.Empty(off.Paths);
    }
}
