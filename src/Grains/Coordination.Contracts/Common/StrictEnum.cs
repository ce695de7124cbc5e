using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coordination.Contracts.Common;

/// <summary>
/// The one reading of enumeration values for the whole product — JSON bodies, query strings, CSV
/// imports, stored JSON: exactly a member's name as the contract spells it (its
/// <see cref="JsonStringEnumMemberNameAttribute"/> where it has one), case-sensitive. Never a number,
/// never a comma-separated combination ("F, M" is not a sex; <see cref="Enum.TryParse{TEnum}(string, out TEnum)"/>
/// reads it as a flag combination and stores whatever member the bits happen to make).
/// </summary>
public static class StrictEnum
{
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        value = default;
        return text is not null && Names<T>.ByName.TryGetValue(text, out value);
    }

    /// <summary>The contract's name of a defined member; null for a value outside the enumeration.</summary>
    public static string? NameOf<T>(T value) where T : struct, Enum =>
        Names<T>.ByValue.TryGetValue(value, out var name) ? name : null;

    public static bool IsDefined<T>(T value) where T : struct, Enum => Names<T>.ByValue.ContainsKey(value);

    public static IReadOnlyList<string> NamesOf<T>() where T : struct, Enum => Names<T>.All;

    /// <summary>The contract's names of an enumeration's members, for a type known only at run time (the OpenAPI document).</summary>
    public static IReadOnlyList<string> NamesOf(Type enumType) => Members(enumType).Select(m => m.Name).ToList();

    /// <summary>What a refused value of <typeparamref name="T"/> gets told.</summary>
    public static string Expected<T>() where T : struct, Enum => $"One of {string.Join(", ", Names<T>.All)} (exactly one, spelt as shown).";

    /// <summary>
    /// Refuses a value outside the enumeration, for grains: values cross the grain boundary as
    /// numbers, so a caller that skipped the edge could hand over any of them.
    /// </summary>
    public static T RequireDefined<T>(string field, T value) where T : struct, Enum =>
        IsDefined(value) ? value : throw DomainException.Invalid(field, Expected<T>());

    private static IEnumerable<(string Name, object Value)> Members(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name, f.GetValue(null)!));

    private static class Names<T> where T : struct, Enum
    {
        public static readonly FrozenDictionary<string, T> ByName;
        public static readonly FrozenDictionary<T, string> ByValue;
        public static readonly IReadOnlyList<string> All;

        static Names()
        {
            var members = Members(typeof(T)).Select(m => (m.Name, Value: (T)m.Value)).ToList();
            ByName = members.ToFrozenDictionary(m => m.Name, m => m.Value, StringComparer.Ordinal);
            ByValue = members.ToFrozenDictionary(m => m.Value, m => m.Name);
            All = members.Select(m => m.Name).ToList();
        }
    }
}

/// <summary>JSON for every enumeration: <see cref="StrictEnum"/> on the way in, the member's name on the way out.</summary>
public sealed class StrictEnumConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<T> : JsonConverter<T> where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && StrictEnum.TryParse<T>(reader.GetString(), out var value)
                ? value
                : throw new JsonException(StrictEnum.Expected<T>());

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Name(value));

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            StrictEnum.TryParse<T>(reader.GetString(), out var value) ? value : throw new JsonException(StrictEnum.Expected<T>());

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WritePropertyName(Name(value));

        // Writing a value outside the enumeration would store or send something nobody can read back.
        private static string Name(T value) =>
            StrictEnum.NameOf(value) ?? throw new JsonException($"{value} is not a member of {typeof(T).Name}.");
    }
}
