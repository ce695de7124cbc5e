using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Operations;

/// <summary>
/// A host started with an invalid setting does not start half-way: it exits with code 1 and its
/// last log event names the setting, its environment variable and what is wrong.
/// </summary>
public sealed class ConfigurationValidationTests
{
    [Theory]
    [InlineData("Coordination__Ack__Critical", "-1", "Coordination:Ack:Critical must be a positive TimeSpan")]
    [InlineData("Coordination__Ack__Urgent", "soon", "Coordination:Ack:Urgent")]
    [InlineData("Orleans__AdvertisedAddress", "silo.example.org", "Orleans:AdvertisedAddress must be the IP address")]
    [InlineData("Orleans__DatabaseStartupTimeout", "00:00:00", "DatabaseStartupTimeout must be between 00:00:01 and 01:00:00.'. (section Orleans: environment variables Orleans__<name>)")]
    [InlineData("Coordination__Observability__PendingAlertsRefresh", "00:00:00", "PendingAlertsRefresh")]
    [InlineData("Coordination__Statistics__MinCell", "0", "Coordination:Statistics:MinCell must be a whole number from 1 to 1000")]
    [InlineData("Coordination__FollowUp__After", "6,3", "Coordination:FollowUp:After must list months from 1 to 120 in ascending order")]
    [InlineData("Coordination__Notify__GroupWait", "02:00:00", "Coordination:Notify:GroupWait must be a TimeSpan from 00:00:00 to 01:00:00")]
    [InlineData("Coordination__Notify__GroupWait__Critical", "00:00:30", "Coordination:Notify:GroupWait:Critical cannot be set: a Critical alert is never held")]
    public async Task A_silo_with_an_invalid_setting_exits_naming_it(string variable, string value, string expected)
    {
        await using var system = await CoordinationProcesses.CreateAsync("badsilo", new Dictionary<string, string> { [variable] = value });

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => system.StartSiloAsync());

        await AssertExitedNamingAsync(failure, system, expected);
    }

    [Fact]
    public async Task A_web_host_with_an_invalid_setting_exits_naming_it()
    {
        // The web host validates its options before it contacts the cluster: no silo is needed.
        await using var system = await CoordinationProcesses.CreateAsync("badweb",
            new Dictionary<string, string> { ["Coordination__Web__MaxRequestBodyBytes"] = "10" });

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => system.StartWebAsync());

        await AssertExitedNamingAsync(failure, system, "MaxRequestBodyBytes");
    }

    private static async Task AssertExitedNamingAsync(InvalidOperationException failure, CoordinationProcesses system, string expected)
    {
        Assert.Contains("exited with 1 ", failure.Message);
        // The process has exited, but its last lines may still be on their way into the log file.
        var fatal = await Eventually.ReturnsAsync(
            () => Task.FromResult(system.AllLogs().Split('\n').LastOrDefault(l => l.Contains(" FTL] ", StringComparison.Ordinal))),
            line => line is not null, "a fatal log event", TimeSpan.FromSeconds(10));
        Assert.Contains("host stopped: ", fatal);
        Assert.Contains(expected, fatal);
    }
}
