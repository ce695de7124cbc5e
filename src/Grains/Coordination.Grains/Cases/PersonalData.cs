using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Grains.Statistics;
using Microsoft.AspNetCore.DataProtection;

namespace Coordination.Grains.Cases;

/// <summary>Where the silo keeps the Data Protection key ring (section <c>Coordination:DataProtection</c>).</summary>
public sealed class PersonalDataOptions
{
    public const string Section = "Coordination:DataProtection";

    /// <summary>
    /// Directory of the key ring, outside the database and the repository, shared by every silo of
    /// the cluster. Losing it makes stored passport numbers and phones unreadable.
    /// </summary>
    public string? KeyDirectory { get; set; }
}

/// <summary>
/// The case's JSON state as stored in <c>cases.state</c>: the person's full name, passport number and
/// phone, and the name of a guardian who gave consent, are encrypted with ASP.NET Core Data
/// Protection (keys outside the database), under their own property names so that no reader of the
/// column mistakes ciphertext for a name or a number. The grains are the only writers and readers of
/// the column, so callers with the right to see a case get it in clear text and nobody else ever
/// sees any of them. The row's person mark, by which a person's earlier cases are found, is keyed
/// (<see cref="PersonMarkAsync"/>).
/// </summary>
public sealed class CaseStateCodec(IDataProtectionProvider provider, PersonMarkKey markKey)
{
    /// <summary>
    /// The layout of <c>cases.state</c> this codec writes (column <c>state_format</c>): 2 = names sealed
    /// and keyed person marks. Rows of an older layout are read as they are and rewritten by
    /// <see cref="CaseStateUpgrade"/>.
    /// </summary>
    public const short Format = 2;

    public const string Purpose = "Coordination.Cases.Person.v1";
    public const string ProtectedPassportNumber = "protectedPassportNumber";
    public const string ProtectedPhone = "protectedPhone";
    public const string ProtectedFullName = "protectedFullName";

    private const string PassportNumber = "passportNumber";
    private const string Phone = "phone";
    private const string FullName = "fullName";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public string Serialize(CaseView c)
    {
        var state = JsonSerializer.SerializeToNode(c, CoordinationJson.Options)!.AsObject();
        if (state["person"] is JsonObject person)
        {
            Seal(person, FullName, ProtectedFullName);
            Seal(person, PassportNumber, ProtectedPassportNumber);
            Seal(person, Phone, ProtectedPhone);
        }

        if (state["consent"]?["guardian"] is JsonObject guardian)
        {
            Seal(guardian, FullName, ProtectedFullName);
        }

        return state.ToJsonString(CoordinationJson.Options);
    }

    public CaseView Deserialize(string json)
    {
        var state = JsonNode.Parse(json)!.AsObject();
        if (state["person"] is JsonObject person)
        {
            Open(person, ProtectedFullName, FullName);
            Open(person, ProtectedPassportNumber, PassportNumber);
            Open(person, ProtectedPhone, Phone);
        }

        if (state["consent"] is JsonObject consent)
        {
            if (consent["guardian"] is JsonObject guardian)
            {
                Open(guardian, ProtectedFullName, FullName);
            }

            // Cases stored before consent was granular hold one answer for all three uses.
            if (!consent.ContainsKey("referral") && consent["given"]?.GetValue<bool>() is { } given)
            {
                consent["referral"] = given;
                consent["dataSharing"] = given;
                consent["research"] = given;
            }
        }

        return state.Deserialize<CaseView>(CoordinationJson.Options)!;
    }

    /// <summary>
    /// What a case's row is found by when its person is flagged again: an HMAC-SHA256, under the
    /// cluster's <see cref="PersonMarkKey"/>, of the person's name key (<see cref="PersonIdentity.NameKey"/>:
    /// citizenship, normalised name, birth year). Equal names give equal marks; without the key ring
    /// nobody can tell whose they are. Null without a name (an erased person is never matched).
    /// </summary>
    public async ValueTask<string?> PersonMarkAsync(string citizenship, Person? person, CancellationToken cancellationToken = default) =>
        PersonIdentity.NameKey(citizenship, person?.FullName, person?.BirthYear) is { } key
            ? Convert.ToHexStringLower(HMACSHA256.HashData(await markKey.GetAsync(cancellationToken), Encoding.UTF8.GetBytes(key)))
            : null;

    private void Seal(JsonObject owner, string clear, string sealedName)
    {
        var value = owner[clear]?.GetValue<string>();
        owner.Remove(clear);
        if (value is not null)
        {
            owner[sealedName] = _protector.Protect(value);
        }
    }

    // Rows written before encryption was introduced hold the clear value; it is read as it is and
    // encrypted on the case's next write.
    private void Open(JsonObject owner, string sealedName, string clear)
    {
        if (owner[sealedName]?.GetValue<string>() is { } ciphertext)
        {
            owner[clear] = _protector.Unprotect(ciphertext);
        }

        owner.Remove(sealedName);
    }
}

/// <summary>
/// Keeps the person's identity out of free text that other agencies read (timeline notes, referral
/// notes, decline reasons end up in feeds and on dashboards): text that names the person, or
/// carries their passport or phone number, is refused.
/// </summary>
public static class PersonalDataGuard
{
    private const int MinimumNamePart = 3;
    private const int PhoneDigitsCompared = 7;

    public static bool Mentions(Person? person, string? text)
    {
        if (person is null || string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var seen = Skeleton(text);
        var words = Words(seen);
        if (person.FullName is { } name)
        {
            var parts = Words(Skeleton(name)).Where(p => p.Length >= MinimumNamePart).ToList();
            if (parts.Count > 0 && parts.Any(words.Contains))
            {
                return true;
            }
        }

        var compact = new string(seen.Where(char.IsLetterOrDigit).ToArray());
        if (person.PassportNumber is { Length: > 0 } passport && compact.Contains(Skeleton(passport), StringComparison.Ordinal))
        {
            return true;
        }

        var phoneDigits = new string((person.Phone ?? string.Empty).Where(char.IsAsciiDigit).ToArray());
        var textDigits = new string(seen.Where(char.IsAsciiDigit).ToArray());
        return phoneDigits.Length >= PhoneDigitsCompared && textDigits.Contains(phoneDigits[^PhoneDigitsCompared..], StringComparison.Ordinal);
    }

    /// <summary>
    /// Text as it reads, not as it is encoded, so that both the person's data and the text compare
    /// alike: NFKC (full-width letters and digits become ASCII), format characters removed
    /// (zero-width spaces and joiners, soft hyphens — invisible, they split a name in two), lower
    /// case, and Cyrillic and Greek letters that look like Latin ones read as those.
    /// </summary>
    public static string Skeleton(string text)
    {
        var skeleton = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormKC).ToLower(CultureInfo.InvariantCulture))
        {
            if (char.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                continue;
            }

            skeleton.Append(LookAlikes.TryGetValue(c, out var latin) ? latin : c);
        }

        return skeleton.ToString();
    }

    /// <summary>Lower-case Cyrillic and Greek letters and the Latin letters they are mistaken for.</summary>
    private static readonly Dictionary<char, char> LookAlikes = new()
    {
        ['а'] = 'a', ['в'] = 'b', ['е'] = 'e', ['ё'] = 'e', ['і'] = 'i', ['ї'] = 'i', ['ј'] = 'j', ['к'] = 'k', ['м'] = 'm',
        ['н'] = 'h', ['о'] = 'o', ['р'] = 'p', ['с'] = 'c', ['т'] = 't', ['у'] = 'y', ['х'] = 'x', ['ѕ'] = 's', ['ԁ'] = 'd', ['һ'] = 'h',
        ['ӏ'] = 'l', ['ү'] = 'y', ['α'] = 'a', ['β'] = 'b', ['ε'] = 'e', ['η'] = 'n', ['ι'] = 'i', ['κ'] = 'k', ['ν'] = 'v', ['ο'] = 'o',
        ['ρ'] = 'p', ['τ'] = 't', ['υ'] = 'u', ['χ'] = 'x', ['ζ'] = 'z',
    };

    private static HashSet<string> Words(string text)
    {
        var words = new HashSet<string>(StringComparer.Ordinal);
        var word = new StringBuilder();
        foreach (var c in text.Append(' '))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }

        return words;
    }
}
