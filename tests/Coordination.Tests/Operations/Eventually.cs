namespace Coordination.Tests.Operations;

/// <summary>Polls until a condition holds, within a bound: for values published on a timer, such as metrics.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> holds, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await probe();
            if (holds(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{what}: still not the case after {timeout ?? TimeSpan.FromSeconds(30)} (last: {value})");
            }

            await Task.Delay(250);
        }
    }
}
