using System.Text.Json;
using System.Text.RegularExpressions;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Texts;

/// <summary>
/// The server's translation files (src/Web/Texts/*.json): one per language of the contract, each with
/// exactly English's keys, no empty text and the same {placeholders}, so a report never shows a key
/// or loses a number.
/// </summary>
public sealed partial class ServerTextsTests
{
    private static readonly string[] Languages = ["en", "ru", "ky", "kk", "tg", "uz", "tk"];

    [Fact]
    public void Every_language_file_has_exactly_the_keys_and_placeholders_of_the_english_one_and_no_empty_text()
    {
        var directory = Path.Combine(CoordinationProcesses.RepositoryRoot, "src", "Web", "Texts");
        Assert.Equal(Languages.Order(), Directory.GetFiles(directory, "*.json").Select(Path.GetFileNameWithoutExtension).Order()!);
        var english = Load(directory, "en");
        Assert.NotEmpty(english);
        var problems = new List<string>();
        foreach (var language in Languages)
        {
            var texts = Load(directory, language);
            problems.AddRange(english.Keys.Where(key => !texts.ContainsKey(key)).Select(key => $"{language}: missing {key}"));
            foreach (var (key, text) in texts)
            {
                if (!english.TryGetValue(key, out var source))
                {
                    problems.Add($"{language}: {key} is not in English");
                }
                else if (string.IsNullOrWhiteSpace(text))
                {
                    problems.Add($"{language}: {key} is empty");
                }
                else if (Placeholders(text) != Placeholders(source))
                {
                    problems.Add($"{language}: {key} has {Placeholders(text)}, English {Placeholders(source)}");
                }
            }
        }

        Assert.Empty(problems);
    }

    private static Dictionary<string, string> Load(string directory, string language) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(directory, $"{language}.json")))!;

    private static string Placeholders(string text) =>
        string.Join(",", Placeholder().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal));

    [GeneratedRegex(@"\{\w+\}")]
    private static partial Regex Placeholder();
}
