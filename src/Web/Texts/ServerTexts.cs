using System.Text.Json;
using System.Text.RegularExpressions;
using Coordination.Web.Auth;

namespace Coordination.Web.Texts;

/// <summary>
/// The texts the server writes for people (the printable report), one translation file per language
/// (<c>Texts/{language}.json</c>, embedded in the assembly) so that a translator edits quoted texts
/// only, never code. A key missing from a language falls back to English; <c>ServerTextsTests</c>
/// fails on any such gap, on a key English lacks and on a changed {placeholder}.
/// </summary>
public sealed partial class ServerTexts
{
    private const string English = "en";

    private static readonly IReadOnlyDictionary<string, ServerTexts> All =
        Roles.Languages.ToDictionary(language => language, language => new ServerTexts(language, Load(language)), StringComparer.Ordinal);

    private readonly IReadOnlyDictionary<string, string> _texts;

    private ServerTexts(string language, IReadOnlyDictionary<string, string> texts)
    {
        Language = language;
        _texts = texts;
    }

    public string Language { get; }

    /// <summary>Every key and text of this language's file, for the translation test.</summary>
    public IReadOnlyDictionary<string, string> Entries => _texts;

    public static ServerTexts For(string? language) =>
        language is not null && All.TryGetValue(language, out var texts) ? texts : All[English];

    /// <summary>
    /// The texts for a request: the first language of its Accept-Language header (by quality) that
    /// the server has, else English. The dashboard sends the language the user is reading.
    /// </summary>
    public static ServerTexts For(HttpRequest request)
    {
        var wanted = request.GetTypedHeaders().AcceptLanguage
            .OrderByDescending(value => value.Quality ?? 1)
            .Select(value => value.Value.Value?.Split('-')[0].ToLowerInvariant());
        return For(wanted.FirstOrDefault(language => language is not null && All.ContainsKey(language)));
    }

    public string this[string key] =>
        _texts.TryGetValue(key, out var text) ? text : All[English]._texts[key];

    /// <summary>The text of <paramref name="key"/> with each {name} replaced by its value.</summary>
    public string Format(string key, params (string Name, string Value)[] values) =>
        Placeholder().Replace(this[key], match =>
            values.FirstOrDefault(v => v.Name == match.Groups[1].Value) is { Name: not null } value ? value.Value : match.Value);

    /// <summary>The name of a contract enum value, e.g. <c>Name("ClosureReason", "LostContact")</c>; the value itself if it has none.</summary>
    public string Name(string type, string value) =>
        _texts.TryGetValue($"{type}.{value}", out var text) ? text
        : All[English]._texts.TryGetValue($"{type}.{value}", out var english) ? english : value;

    public string Name<T>(T value) where T : struct, Enum => Name(typeof(T).Name, value.ToString());

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();

    private static IReadOnlyDictionary<string, string> Load(string language)
    {
        using var stream = typeof(ServerTexts).Assembly.GetManifestResourceStream($"Coordination.Web.Texts.{language}.json")
            ?? throw new InvalidOperationException($"The server's texts in '{language}' are not embedded (Texts/{language}.json).");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(stream)
            ?? throw new InvalidOperationException($"Texts/{language}.json is empty.");
    }
}
