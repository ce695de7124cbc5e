using Microsoft.Extensions.Options;
using Serilog;

namespace Coordination.ServiceDefaults;

/// <summary>
/// Turns an exception that escapes the host — typically invalid configuration found at start —
/// into one fatal log event that names the problem, and exit code 1, instead of a runtime crash
/// dump that buries the reason under a stack trace. systemd, Kubernetes and the run scripts
/// then show the reason as the last line of the log.
/// </summary>
internal static class StartupFailure
{
    public const int ExitCode = 1;
    private static int _registered;

    public static void ReportUnhandledExceptions(string service)
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            var exception = e.ExceptionObject as Exception;
            Log.ForContext("SourceContext", "Coordination.Startup").Fatal(exception,
                "The {Service} host stopped: {Reason} (settings come from appsettings.json and environment variables, where Section:Key is written Section__Key; see docs/configuration.md)",
                service, Describe(exception));
            Log.CloseAndFlush();
            Environment.Exit(ExitCode);
        };
    }

    /// <summary>The messages that say what is wrong, without the stack.</summary>
    public static string Describe(Exception? exception) => exception switch
    {
        null => "unknown error",
        OptionsValidationException invalid => string.Join(" ", invalid.Failures) + SectionOf(invalid.OptionsType),
        AggregateException aggregate => string.Join(" ", aggregate.InnerExceptions.Select(Describe).Distinct()),
        { InnerException: { } inner } => $"{exception.Message} {Describe(inner)}",
        _ => exception.Message,
    };

    /// <summary>Data-annotation failures name the member only; say where it is set.</summary>
    private static string SectionOf(Type options) =>
        options.GetField("Section")?.GetRawConstantValue() is string section
            ? $" (section {section}: environment variables {section.Replace(":", "__")}__<name>)"
            : string.Empty;
}
