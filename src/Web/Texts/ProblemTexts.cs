using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Coordination.Web.Texts;

/// <summary>
/// Problem details in the caller's language. The server's messages are written in English, where they
/// arise (the edge's validation, the grains' rules); the translation files (<c>Texts/{language}.json</c>)
/// hold each one that people commonly meet under a <c>problem.*</c> key, with its variable parts as
/// {placeholders}. A problem's title, detail and every field error that reads as one of those English
/// texts is given in the language of the request (<see cref="ServerTexts.For(HttpRequest)"/>: its
/// Accept-Language, which the dashboard sets to the language the user reads), the variable parts
/// carried over as they are; any other message stays in English. The answer says which language it
/// is in (Content-Language). A translator adds a message by adding its key to every file: no code.
/// </summary>
public static partial class ProblemTexts
{
    private const string Prefix = "problem.";

    /// <summary>The English texts as patterns, longest first so that a specific text wins over a general one.</summary>
    private static readonly IReadOnlyList<(string Key, Regex Pattern)> Templates = ServerTexts.For("en").Entries
        .Where(e => e.Key.StartsWith(Prefix, StringComparison.Ordinal))
        .OrderByDescending(e => e.Value.Length)
        .Select(e => (e.Key, new Regex(
            "^" + EscapedPlaceholder().Replace(Regex.Escape(e.Value), m => $"(?<{m.Groups[1].Value}>.+?)") + "$",
            RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100))))
        .ToList();

    /// <summary>Translates the problem being written, for <see cref="Microsoft.AspNetCore.Http.ProblemDetailsOptions.CustomizeProblemDetails"/>.</summary>
    public static void Apply(ProblemDetailsContext context)
    {
        var texts = ServerTexts.For(context.HttpContext.Request);
        var problem = context.ProblemDetails;
        problem.Title = problem.Title is null ? null : Translate(problem.Title, texts);
        problem.Detail = problem.Detail is null ? null : Translate(problem.Detail, texts);
        if (problem is HttpValidationProblemDetails validation)
        {
            foreach (var (field, messages) in validation.Errors.ToList())
            {
                validation.Errors[field] = messages.Select(m => Translate(m, texts)).ToArray();
            }
        }

        context.HttpContext.Response.Headers.ContentLanguage = texts.Language;
    }

    /// <summary><paramref name="message"/> in <paramref name="texts"/>' language when it is one of the translated texts; else as it is.</summary>
    public static string Translate(string message, ServerTexts texts)
    {
        if (texts.Language == "en")
        {
            return message;
        }

        foreach (var (key, pattern) in Templates)
        {
            var match = pattern.Match(message);
            if (match.Success)
            {
                var values = match.Groups.Values.Skip(1).Select(g => (g.Name, g.Value)).ToArray();
                return texts.Format(key, values);
            }
        }

        return message;
    }

    /// <summary>A {placeholder} as <see cref="Regex.Escape"/> leaves it: <c>\{name}</c>.</summary>
    [GeneratedRegex(@"\\\{(\w+)\}")]
    private static partial Regex EscapedPlaceholder();
}
