using Coordination.Contracts.Committees;
using Coordination.Grains.Committees;

namespace Coordination.Tests.Committees;

public sealed class IndicatorProgressTests
{
    [Theory]
    [InlineData(0, 5000, 1500, 30.0, false)] // persons reached: rises towards the target
    [InlineData(10, 30, 30, 100.0, true)] // shelter places: target reached exactly
    [InlineData(10, 30, 36, 130.0, true)] // overshoot is shown, not capped
    [InlineData(10, 30, 8, -10.0, false)] // went backwards
    [InlineData(40, 10, 25, 50.0, false)] // days to return a victim: should fall
    [InlineData(40, 10, 9, 103.3, true)]
    public void Progress_runs_from_baseline_to_target_in_either_direction(double baseline, double target, double value, double percent, bool met)
    {
        var progress = ActionPlanViews.Progress(new Indicator("indicator", "unit", (decimal)baseline, (decimal)target), (decimal)value);

        Assert.Equal((decimal)percent, progress.ProgressPercent);
        Assert.Equal(met, progress.Met);
    }

    [Fact]
    public void Without_a_reported_value_there_is_no_progress_and_the_target_is_not_met()
    {
        var progress = ActionPlanViews.Progress(new Indicator("Grants awarded", "grants", 0, 50), null);

        Assert.Null(progress.Value);
        Assert.Null(progress.ProgressPercent);
        Assert.False(progress.Met);
    }
}
