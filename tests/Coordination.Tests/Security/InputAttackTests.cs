using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Security;

/// <summary>
/// Hostile input, over two hundred kinds of it. Each is answered with a 4xx problem detail that
/// changed nothing in the database (feeds included), or — where it is valid, however strange —
/// accepted and stored exactly as sent (names in any script, text that looks like SQL or script).
/// </summary>
[Collection("security")]
public sealed class InputAttackTests(SecurityFixture fixture) : IDisposable
{
    private static readonly int ThisYear = DateTime.UtcNow.Year;
    private static readonly IReadOnlyDictionary<string, Attack> Attacks = Build().ToDictionary(a => a.Name, StringComparer.Ordinal);

    private SecurityWorld World => fixture.World;

    public static TheoryData<string> Names() => [.. Attacks.Keys];

    [Fact]
    public void There_are_more_than_two_hundred_attacks() => Assert.True(Attacks.Count > 200, $"{Attacks.Count} attacks");

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_hostile_input_is_refused_without_change_or_accepted_exactly(string name)
    {
        var attack = Attacks[name];
        if (attack.Accepted is { } check)
        {
            var response = await attack.Send(this);
            response.Expect(attack.Expected);
            await check(this, response);
            return;
        }

        await fixture.RefusedWithoutChangeAsync(() => attack.Send(this), attack.Expected);
    }

    /// <summary>What the API reads is what its OpenAPI document promises: each enumeration by its members' exact names.</summary>
    [Fact]
    public async Task The_OpenAPI_document_lists_each_enumeration_by_its_exact_names()
    {
        var document = (await Anonymous.GetAsync("/openapi/v1.json")).Expect(HttpStatusCode.OK).Json!;
        var enumerations = Descendants(document).OfType<JsonObject>()
            .Select(o => o["enum"] as JsonArray)
            .Where(e => e is not null)
            .Select(e => string.Join(",", e!.Select(v => v?.ToString())))
            .ToHashSet();
        Assert.Contains("Prevention,Protection,Prosecution,Partnership,Coordination", enumerations);
        Assert.Contains("F,M,X", enumerations);
        Assert.Contains("alert,task,info", enumerations);

        static IEnumerable<JsonNode> Descendants(JsonNode node) => node switch
        {
            JsonObject o => o.Select(p => p.Value).OfType<JsonNode>().SelectMany(Descendants).Prepend(o),
            JsonArray a => a.OfType<JsonNode>().SelectMany(Descendants).Prepend(a),
            _ => [node],
        };
    }

    /// <summary>A hostile request, what it must get, and for accepted ones how to check it was stored exactly.</summary>
    private sealed record Attack(string Name, Func<InputAttackTests, Task<ApiResponse>> Send, HttpStatusCode Expected, Func<InputAttackTests, ApiResponse, Task>? Accepted = null);

    private static IEnumerable<Attack> Build()
    {
        const HttpStatusCode Bad = HttpStatusCode.BadRequest;

        // ---- The flag: malformed JSON ------------------------------------------------------
        string[] malformed =
        [
            "", "{", "}", "[", "null", "\"\"", "\"a string\"", "123", "true", "{\"person\":", "{\"person\":{}",
            "{'person':{}}", "{\"person\":{},}", "{/* comment */}", "{\"person\":NaN}", "{\"person\":undefined}",
            "\u0000{}", "{\"person\" {}}", "{\"a\":1}{\"b\":2}", "[1,2,3]",
        ];
        for (var i = 0; i < malformed.Length; i++)
        {
            var body = malformed[i];
            yield return new($"flag: malformed JSON #{i + 1}", t => t.World.Consul.PostRawAsync("/api/cases", body), Bad);
        }

        // ---- The flag: wrong media types -----------------------------------------------------
        foreach (var mediaType in new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data", "text/json-seq" })
        {
            yield return new($"flag: media type {mediaType}", t => t.World.Consul.PostRawAsync("/api/cases", t.FlagText(), mediaType), HttpStatusCode.UnsupportedMediaType);
        }

        yield return new("flag: no content type", t => t.SendAsync(HttpMethod.Post, "/api/cases", t.World.Consul.Token, new ByteArrayContent(Encoding.UTF8.GetBytes(t.FlagText()))),
            HttpStatusCode.UnsupportedMediaType);

        // ---- The flag: wrong types -----------------------------------------------------------
        (string Path, string Json)[] wrongTypes =
        [
            ("person", "\"Aigul\""), ("person", "42"), ("person", "[]"),
            ("person.fullName", "42"), ("person.fullName", "{}"), ("person.fullName", "[\"Aigul\"]"), ("person.fullName", "true"),
            ("person.sex", "1"), ("person.sex", "\"female\""), ("person.sex", "\"Other\""), ("person.sex", "[\"F\"]"),
            ("person.birthYear", "\"nineteen\""), ("person.birthYear", "true"), ("person.birthYear", "1990.5"), ("person.birthYear", "[1990]"),
            ("person.birthYear", "{}"), ("person.birthYear", "1e3"), ("person.citizenship", "1"), ("person.citizenship", "[]"),
            ("person.passportNumber", "123456789"), ("person.phone", "905550001122"),
            ("currentCountry", "90"), ("location", "{}"), ("situation", "0"), ("situation", "\"Kidnapped\""),
            ("exploitationType", "\"Slavery\""), ("exploitationType", "3"), ("needs", "\"Shelter\""), ("needs", "[1]"), ("needs", "[\"Spaceship\"]"),
            ("needs", "{\"0\":\"Shelter\"}"), ("urgency", "\"Whenever\""), ("urgency", "2"), ("homeRegion", "5"),
            ("consent", "true"), ("consent.given", "\"yes\""), ("consent.given", "1"), ("consent.scope", "[]"), ("reportedBy", "\"Neighbour\""),
            // Enumerations take exactly one member's name: no flag combinations, numbers in text or other spellings.
            ("person.sex", "\"F, M\""), ("person.sex", "\"F,M\""), ("person.sex", "\"1\""), ("person.sex", "\"f\""), ("person.sex", "\" F\""),
            ("urgency", "\"Routine, Critical\""), ("urgency", "\"Urgent, Critical\""), ("urgency", "\"2\""), ("situation", "\"Detained, Hiding\""),
            ("exploitationType", "\"Labour, Domestic\""), ("needs", "[\"Shelter, Legal\"]"), ("needs", "[\"Shelter\", \"Legal, Medical\"]"),
            ("reportedBy", "\"Self, Family\""), ("reportedBy", "\"-1\""),
        ];
        foreach (var (path, json) in wrongTypes)
        {
            yield return new($"flag: {path} = {json}", t => t.PostFlagAsync(f => Set(f, path, JsonNode.Parse(json))), Bad);
        }

        // ---- The flag: missing and null fields -------------------------------------------------
        string[] required =
        [
            "person", "person.fullName", "person.sex", "person.birthYear", "person.citizenship", "currentCountry", "location", "situation",
            "exploitationType", "needs", "urgency", "homeRegion", "consent", "consent.given",
        ];
        foreach (var path in required)
        {
            yield return new($"flag: without {path}", t => t.PostFlagAsync(f => Remove(f, path)), Bad);
            yield return new($"flag: {path} = null", t => t.PostFlagAsync(f => Set(f, path, null)), Bad);
        }

        // ---- The flag: unknown and duplicate fields --------------------------------------------
        (string Path, string Json)[] unknown =
        [
            ("isAdmin", "true"), ("person.ssn", "\"123-45-6789\""), ("consent.signature", "\"x\""), ("__proto__", "{\"polluted\":true}"),
            ("$type", "\"System.Diagnostics.Process\""), ("caseId", "\"KG-2026-000001\""),
        ];
        foreach (var (path, json) in unknown)
        {
            yield return new($"flag: unknown field {path}", t => t.PostFlagAsync(f => Set(f, path, JsonNode.Parse(json))), Bad);
        }

        yield return new("flag: location twice", t => t.World.Consul.PostRawAsync("/api/cases", t.FlagText().Replace("\"location\":", "\"location\":\"Ankara\",\"location\":", StringComparison.Ordinal)), Bad);
        yield return new("flag: fullName twice", t => t.World.Consul.PostRawAsync("/api/cases", t.FlagText().Replace("\"fullName\":", "\"fullName\":\"Someone Else\",\"fullName\":", StringComparison.Ordinal)), Bad);
        yield return new("flag: consent.given twice", t => t.World.Consul.PostRawAsync("/api/cases", t.FlagText().Replace("\"given\":true", "\"given\":false,\"given\":true", StringComparison.Ordinal)), Bad);

        // ---- The flag: sizes and depth ---------------------------------------------------------
        (string Path, int Length)[] tooLong =
        [
            ("person.fullName", 201), ("person.fullName", 10_000), ("location", 201), ("location", 30_000), ("homeRegion", 101),
            ("consent.scope", 501), ("person.passportNumber", 21), ("person.phone", 30),
        ];
        foreach (var (path, length) in tooLong)
        {
            var text = path.EndsWith("phone", StringComparison.Ordinal) ? new string('5', length) : new string('A', length);
            yield return new($"flag: {path} of {length} characters", t => t.PostFlagAsync(f => Set(f, path, JsonValue.Create(text))), Bad);
        }

        yield return new("flag: 21 needs", t => t.PostFlagAsync(f => Set(f, "needs", new JsonArray([.. Enumerable.Repeat("Shelter", 21).Select(n => JsonValue.Create(n))]))), Bad);
        yield return new("flag: body just over 64 KiB", t => t.PostFlagAsync(f => Set(f, "location", JsonValue.Create(new string('x', 64 * 1024)))), HttpStatusCode.RequestEntityTooLarge);
        yield return new("flag: body of 100 KiB in the name", t => t.PostFlagAsync(f => Set(f, "person.fullName", JsonValue.Create(new string('x', 100 * 1024)))), HttpStatusCode.RequestEntityTooLarge);
        yield return new("flag: 100 nested objects", t => t.World.Consul.PostRawAsync("/api/cases", t.FlagText().Replace("\"location\":\"Istanbul\"", "\"location\":" + Nested(100, "{\"a\":", "1", "}"), StringComparison.Ordinal)), Bad);
        yield return new("flag: 65 nested objects in consent", t => t.World.Consul.PostRawAsync("/api/cases", t.FlagText().Replace("\"scope\":\"referral\"", "\"scope\":" + Nested(65, "{\"a\":", "1", "}"), StringComparison.Ordinal)), Bad);
        yield return new("flag: 10000 nested arrays", t => t.World.Consul.PostRawAsync("/api/cases", Nested(10_000, "[", "1", "]")), Bad);
        yield return new("flag: 5000 nested objects", t => t.World.Consul.PostRawAsync("/api/cases", Nested(5_000, "{\"person\":", "{}", "}")), Bad);

        // ---- The flag: characters that do not belong in text ----------------------------------
        (string Path, string Text)[] hostileText =
        [
            ("person.fullName", "Aigul\u0000Testova"), ("person.fullName", "Aigul\u0007"), ("person.fullName", "\u001b[31mAigul\u001b[0m"),
            ("person.fullName", "Aigul\r\n[12:00:00 INF] Case KG-2026-000001 closed"), ("person.fullName", "Aigul\tTestova"),
            ("person.fullName", "Aigul\u0085Testova"), ("person.fullName", "Aigul\u009bTestova"), ("location", "Istanbul\u0000"),
            ("homeRegion", "Naryn\nChui"), ("consent.scope", "referral\u007f"),
            ("person.fullName", "Aigul \u202Eavotset"), ("person.fullName", "\u2066Aigul\u2069"), ("location", "\u202DIstanbul"), ("homeRegion", "\u202ANaryn"),
        ];
        foreach (var (path, text) in hostileText)
        {
            var shown = string.Concat(text.Select(c => char.IsControl(c) || c is >= '\u2000' and <= '\u206F' ? $"\\u{(int)c:x4}" : c.ToString()));
            yield return new($"flag: {path} = \"{shown}\"", t => t.PostFlagAsync(f => Set(f, path, JsonValue.Create(text))), Bad);
        }

        yield return new("flag: fullName with a lone high surrogate", t => t.PostFlagRawNameAsync("\"Aigul \\ud800 Testova\""), Bad);
        yield return new("flag: fullName with a lone low surrogate", t => t.PostFlagRawNameAsync("\"\\udfff\""), Bad);
        yield return new("flag: fullName with reversed surrogates", t => t.PostFlagRawNameAsync("\"\\udc00\\ud800\""), Bad);

        // ---- The flag: impossible birth years ---------------------------------------------------
        foreach (var year in new[] { "-1", "0", "1", "1800", $"{ThisYear - 121}", $"{ThisYear + 1}", "3000", "2147483647", "-2147483648", "99999999999", "1.0e10" })
        {
            yield return new($"flag: birth year {year}", t => t.PostFlagAsync(f => Set(f, "person.birthYear", JsonNode.Parse(year))), Bad);
        }

        // ---- The flag: countries, passports, phones ----------------------------------------------
        foreach (var country in new[] { "tr", "TUR", "Turkey", "T1", "", " ", "XX", "ZZ", "QQ", "\u0422R", "T R", "TR\n", "TR ", "EU!" })
        {
            yield return new($"flag: current country \"{Escape(country)}\"", t => t.PostFlagAsync(f => Set(f, "currentCountry", JsonValue.Create(country))), Bad);
        }

        foreach (var country in new[] { "kg", "KGZ", "Kyrgyzstan", "AA", "KG\n", "\u041aG" })
        {
            yield return new($"flag: citizenship \"{Escape(country)}\"", t => t.PostFlagAsync(f => Set(f, "person.citizenship", JsonValue.Create(country))), Bad);
        }

        foreach (var passport in new[] { "ab1234567", "AB 1234567", "AB-1234567", "1234", "<script>", "' OR 1=1 --", "\u0391\u039212345", "AB12\n34567" })
        {
            yield return new($"flag: passport \"{Escape(passport)}\"", t => t.PostFlagAsync(f => Set(f, "person.passportNumber", JsonValue.Create(passport))), Bad);
        }

        foreach (var phone in new[] { "call me", "+", "123", "+7 (999) 123-45-67 ext 5", "'; DROP TABLE users; --", "+90 555\n000" })
        {
            yield return new($"flag: phone \"{Escape(phone)}\"", t => t.PostFlagAsync(f => Set(f, "person.phone", JsonValue.Create(phone))), Bad);
        }

        // ---- The flag: valid however strange — accepted and stored exactly ------------------------
        (string Path, string Text)[] stored =
        [
            ("person.fullName", "Айгуль Тестова"), ("person.fullName", "Әсел Нұрланқызы"), ("person.fullName", "Зарина Раҳимова"),
            ("person.fullName", "Oʻgʻiloy Xoʻjayeva"), ("person.fullName", "فاطمة الزهراء"), ("person.fullName", "מרים כהן"),
            ("person.fullName", "زهره\u200cی فرهادی"), ("person.fullName", "Aigul 🌸"), ("person.fullName", "👩‍👧 Family Member"),
            ("person.fullName", "Zoe\u0308 Ndiaye"), ("person.fullName", "王秀英"), ("person.fullName", "Ayşe Yılmaz"), ("person.fullName", "ნინო ბერიძე"),
            ("person.fullName", "Robert'); DROP TABLE cases;--"), ("person.fullName", "<script>alert(1)</script>"),
            ("location", "' OR '1'='1"), ("location", "<img src=x onerror=alert(1)>"), ("location", "javascript:alert(1)"),
            ("location", "{{7*7}} ${7*7} #{7*7}"), ("location", "%00%0a%27"), ("consent.scope", "1; DELETE FROM audit_log; --"),
            ("homeRegion", "Ош облусу"),
        ];
        foreach (var (path, text) in stored)
        {
            yield return new($"flag accepted: {path} = \"{text}\"", t => t.PostFlagAsync(f => Set(f, path, JsonValue.Create(text))), HttpStatusCode.Created,
                async (t, response) =>
                {
                    var read = (await t.World.Consul.GetAsync($"/api/cases/{response.Json!["id"]!.GetValue<string>()}")).Expect(HttpStatusCode.OK).Json!;
                    Assert.Equal(text, Get(read.AsObject(), path));
                });
        }

        yield return new("flag accepted: birth year as a numeric string", t => t.PostFlagAsync(f => Set(f, "person.birthYear", JsonValue.Create("1990"))), HttpStatusCode.Created,
            async (t, response) => Assert.Equal(1990, (await t.World.Consul.GetAsync(response.Location!.OriginalString)).Json!["person"]!["birthYear"]!.GetValue<int>()));

        // ---- Paths and query strings ---------------------------------------------------------------
        foreach (var id in new[] { "' OR '1'='1", "KG-2026-000001'--", "..%2F..%2Fetc%2Fpasswd", "KG-2026-1", "kg-2026-000001", "KG-2026-000001%0A",
                     "KG-2026-000001%20", new string('K', 5000), "KG-2026-0000000000001", "%E2%80%AEKG-2026-000001" })
        {
            yield return new($"path: case id {Escape(id[..Math.Min(id.Length, 40)])}", t => t.World.Consul.GetAsync($"/api/cases/{id}"), HttpStatusCode.NotFound);
        }

        foreach (var query in new[] { "limit=-1", "limit=0", "limit=501", "limit=abc", "limit=1e3", "status=Bogus", "status=%27Flagged%27", "status=Flagged,%20Verified", "status=Flagged,Closed", "status=1", "status=flagged", "after=%00", $"after={new string('a', 65)}", "limit=99999999999" })
        {
            yield return new($"query: cases {query[..Math.Min(query.Length, 30)]}", t => t.World.Consul.GetAsync($"/api/cases?{query}"), Bad);
        }

        foreach (var query in new[] { "after=abc", "after=-1", "limit=abc", "limit=0", "limit=1001", "after=99999999999999999999" })
        {
            yield return new($"query: feed {query}", t => t.World.Consul.GetAsync($"/api/feed?{query}"), Bad);
        }

        foreach (var query in new[] { "limit=0", "limit=1001", "from=yesterday", "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "caseId=%07", "after=-5",
                     "from=2026-01-01T00:00:00", "to=2026-01-01", "from=0001-01-01T00:00:00Z", "to=9999-12-31T00:00:00Z" })
        {
            yield return new($"query: audit {query}", t => t.World.Admin.GetAsync($"/api/audit?{query}"), Bad);
        }

        // ---- Travel (on the world's case; a refusal must not touch its booking) ------------------
        (string Field, string Json)[] travel =
        [
            ("flightNumber", "\"DROP TABLE\""), ("flightNumber", "\"TK345345345\""), ("flightNumber", "\"<b>TK</b>\""), ("flightNumber", "\"TK\\n345\""),
            ("departureAirport", "\"ist\""), ("departureAirport", "\"ISTA\""), ("departureAirport", "\"IS\""), ("arrivalAirport", "\"123\""),
            ("arrivalAirport", "\"\u0424\u0420\u0423\""), ("arrivalAirport", "\"OSS\\n\""), ("arrivalAirport", "\"IST\""), ("scheduledArrival", "\"tomorrow\""),
            ("scheduledArrival", "\"2026-13-45T00:00:00Z\""), ("scheduledArrival", "12345"), ("escort", "\"IOM\\u0000\""), ("escort", $"\"{new string('e', 201)}\""),
            ("escort", "\"Matrix Person\""), ("travelDocument", "\"AC1234567\""), ("escort", "null"), ("travelDocument", "\"\""),
        ];
        // Times carry their offset and lie in a sensible window (at most 30 days ago, 2 years ahead).
        var soon = DateTime.UtcNow.Date.AddDays(10);
        travel =
        [
            .. travel,
            ("scheduledArrival", "\"0001-01-01T00:00:00Z\""), ("scheduledArrival", "\"1970-01-01T00:00:00Z\""), ("scheduledArrival", "\"9999-12-31T23:59:59Z\""),
            ("scheduledArrival", $"\"{soon:yyyy-MM-dd}T08:40:00\""), ("scheduledArrival", $"\"{soon:yyyy-MM-dd}T08:40\""), ("scheduledArrival", $"\"{soon:yyyy-MM-dd}\""),
            ("scheduledArrival", $"\"{soon.AddYears(3):yyyy-MM-dd}T08:40:00Z\""), ("scheduledArrival", $"\"{soon.AddDays(-60):yyyy-MM-dd}T08:40:00Z\""),
        ];
        foreach (var (field, json) in travel)
        {
            yield return new($"travel: {field} = {json[..Math.Min(json.Length, 30)]}", t => t.PostTravelAsync(field, JsonNode.Parse(json)), Bad);
        }

        // ---- Events, referrals, declines on the world's case --------------------------------------
        (string Json, string Why)[] events =
        [
            ("{\"type\":\"Teleported\"}", "unknown type"), ("{\"type\":3}", "type as a number"), ("{\"type\":\"Flagged\"}", "a system event"),
            ("{\"type\":\"Verified\",\"note\":\"" + new string('n', 1001) + "\"}", "note too long"), ("{\"type\":\"Verified\",\"note\":\"ok\\u0000\"}", "control character"),
            ("{\"type\":\"Verified\",\"expectedVersion\":0}", "version 0"), ("{\"type\":\"Verified\",\"expectedVersion\":-5}", "negative version"),
            ("{\"type\":\"Verified\",\"expectedVersion\":\"abc\"}", "version as text"), ("{\"type\":\"Verified\",\"note\":\"met Matrix Person\"}", "note names the person"),
            ("{\"type\":\"Verified\",\"note\":\"passport ac 1234567 checked\"}", "note carries the passport"),
            ("{\"type\":\"Verified\",\"note\":\"call 0555 111 22 33\"}", "note carries the phone"), ("{}", "no type"),
            ("{\"type\":\"Verified, Closed\"}", "a combination of types"), ("{\"type\":\"ConsentWithdrawn, ConsentGiven\"}", "a combination of consent changes"),
            ("{\"type\":\"6\"}", "type as a number in text"),
            // The person's name, passport and phone disguised: invisible characters, look-alike letters, full-width forms.
            ("{\"type\":\"Verified\",\"note\":\"met Ma\\u200btrix Per\\u200bson\"}", "note names the person with zero-width spaces"),
            ("{\"type\":\"Verified\",\"note\":\"met Mat\\u00adrix\"}", "note names the person with a soft hyphen"),
            ("{\"type\":\"Verified\",\"note\":\"met \\u041c\\u0430trix\"}", "note names the person with Cyrillic look-alikes"),
            ("{\"type\":\"Verified\",\"note\":\"met Pers\\u03bfn\"}", "note names the person with a Greek look-alike"),
            ("{\"type\":\"Verified\",\"note\":\"passport \\uff21\\uff23\\uff11\\uff12\\uff13\\uff14\\uff15\\uff16\\uff17\"}", "note carries the passport in full-width forms"),
            ("{\"type\":\"Verified\",\"note\":\"call \\uff10\\uff15\\uff15\\uff15 \\uff11\\uff11\\uff11 \\uff12\\uff12 \\uff13\\uff13\"}", "note carries the phone in full-width digits"),
        ];
        foreach (var (json, why) in events)
        {
            yield return new($"events: {why}", t => t.World.Consul.PostRawAsync($"/api/cases/{t.World.CaseId}/events", json), Bad);
        }

        (string Json, string Why)[] referrals =
        [
            ("{\"toAgencyId\":\"\",\"services\":[]}", "empty agency"), ("{\"toAgencyId\":\"" + new string('a', 65) + "\",\"services\":[]}", "agency id too long"),
            ("{\"toAgencyId\":\"x\\u0000\",\"services\":[]}", "control character"), ("{\"toAgencyId\":\"x\",\"services\":[\"Teleport\"]}", "unknown service"),
            ("{\"toAgencyId\":\"x\",\"services\":[" + string.Join(',', Enumerable.Repeat("\"Legal\"", 11)) + "]}", "11 services"),
            ("{\"toAgencyId\":\"x\",\"services\":[],\"note\":\"Matrix Person is scared\"}", "note names the person"),
            ("{\"toAgencyId\":\"COMMITTEE\",\"services\":[]}", "referral to a committee"),
            ("{\"toAgencyId\":\"x\",\"services\":[\"Shelter, Legal\"]}", "two services in one"),
            ("{\"toAgencyId\":\"FOREIGN\",\"services\":[\"Shelter\"]}", "to an agency of another country"),
        ];
        foreach (var (json, why) in referrals)
        {
            yield return new($"referral: {why}", t => t.World.Consul.PostRawAsync($"/api/cases/{t.World.CaseId}/referrals", json.Replace("COMMITTEE", t.Committee, StringComparison.Ordinal).Replace("FOREIGN", t.World.ForeignNgo, StringComparison.Ordinal)), Bad);
        }

        foreach (var (json, why) in new[] { ("{}", "no reason"), ("{\"reason\":\"   \"}", "blank reason"), ("{\"reason\":\"" + new string('r', 1001) + "\"}", "reason too long"), ("{\"reason\":\"full\\u0007\"}", "control character") })
        {
            yield return new($"decline: {why}", t => t.World.ReferredWorker.PostRawAsync($"/api/cases/{t.World.CaseId}/referrals/{t.World.AcceptedReferral}/decline", json), Bad);
        }

        yield return new("erasure: no reason", t => t.World.Admin.PostRawAsync($"/api/cases/{t.World.CaseId}/erasure", "{}"), Bad);
        yield return new("erasure: reason with control characters", t => t.World.Admin.PostRawAsync($"/api/cases/{t.World.CaseId}/erasure", "{\"reason\":\"court order\\u001b\"}"), Bad);

        // ---- Agencies and users (Admin) ---------------------------------------------------------------
        (string Field, string Json)[] agencies =
        [
            ("id", "\"Bad Id!\""), ("id", "\"ab\""), ("id", $"\"{new string('a', 65)}\""), ("id", "\"UPPER-CASE\""), ("id", "\"id;drop table agencies\""),
            ("id", "\"valid-id\\n\""), ("name", "\"Shelter\\u0000\""), ("name", "\"\\u202Eretlehs\""), ("kind", "\"Cult\""), ("country", "\"XX\""),
            ("country", "\"KG\\n\""), ("timeZone", "\"Mars/Olympus\""), ("timeZone", "\"../../../../etc/passwd\""), ("timeZone", "\"/etc/localtime\""),
            ("airports", "[\"frunze\"]"), ("airports", "[\"FRU\\n\"]"), ("services", "[\"Magic\"]"), ("kind", "\"Ngo, Shelter\""), ("services", "[\"Shelter, Legal\"]"),
            ("servesRegions", "[" + string.Join(',', Enumerable.Range(0, 101).Select(i => $"\"R{i}\"")) + "]"), ("servesRegions", "[null]"),
        ];
        foreach (var (field, json) in agencies)
        {
            yield return new($"agency: {field} = {Escape(json[..Math.Min(json.Length, 30)])}", t => t.PostAgencyAsync(field, JsonNode.Parse(json)), Bad);
        }

        yield return new("agency accepted: a name in Cyrillic", t => t.PostAgencyAsync("name", JsonValue.Create("Посольство Кыргызской Республики")), HttpStatusCode.Created,
            (_, response) =>
            {
                Assert.Equal("Посольство Кыргызской Республики", response.Json!["name"]!.GetValue<string>());
                return Task.CompletedTask;
            });

        (string Field, string Json)[] users =
        [
            ("username", "\"Admin\""), ("username", "\"a\""), ("username", "\"has space\""), ("username", "\"\u00fcn\u00efcode\""), ("username", $"\"{new string('u', 65)}\""),
            ("username", "\"admin\\n\""), ("username", "\"x'; DROP TABLE users;--\""), ("password", "\"short\""), ("password", "\"password1234\""),
            ("password", "\"aaaaaaaaaaaaaaaa\""), ("password", "\"my-USERNAME-is-secret\""), ("password", $"\"{new string('p', 64)}{new string('q', 65)}\""),
            ("password", "\"coordination-2026\""), ("roles", "[\"Wizard\"]"), ("roles", "[]"), ("roles", "[null]"), ("language", "\"fr\""), ("agencyId", "\"nope\""),
            ("displayName", "\"Consul\\u0000\""),
        ];
        foreach (var (field, json) in users)
        {
            yield return new($"user: {field} = {Escape(json[..Math.Min(json.Length, 30)])}", t => t.PostUserAsync(field, JsonNode.Parse(json)), Bad);
        }

        yield return new("user accepted: a display name in Cyrillic", t => t.PostUserAsync("displayName", JsonValue.Create("Айгерим Консул")), HttpStatusCode.Created,
            (_, response) =>
            {
                Assert.Equal("Айгерим Консул", response.Json!["displayName"]!.GetValue<string>());
                return Task.CompletedTask;
            });

        // ---- Committees and statistics ----------------------------------------------------------------
        (string Field, string Json)[] tasks =
        [
            ("title", "\"Train\\u0000inspectors\""), ("title", $"\"{new string('t', 301)}\""), ("title", "\"\\u202Esrotcepsni\""), ("area", "\"Magic\""),
            ("ownerAgencyId", "\"no-such-agency\""), ("dueDate", "\"1999-12-31\""), ("dueDate", "\"2026-02-30\""), ("dueDate", "\"next week\""),
            ("indicator", "{\"name\":\"Inspectors\",\"unit\":\"people\",\"baseline\":0,\"target\":1e13}"), ("indicator", "{\"name\":\"Inspectors\"}"),
            ("area", "\"Prosecution, Coordination\""), ("area", "\"Prevention, Protection\""), ("area", "\"4\""), ("area", "6"),
        ];
        foreach (var (field, json) in tasks)
        {
            yield return new($"committee task: {field} = {Escape(json[..Math.Min(json.Length, 30)])}", t => t.PostTaskAsync(field, JsonNode.Parse(json)), Bad);
        }

        yield return new("committee task: owner of another country", t => t.PostTaskAsync("ownerAgencyId", JsonValue.Create(t.World.ForeignNgo)), Bad);
        yield return new("committee member: agency of another country", t => t.World.Caller("committee: CommitteeSecretary").PostAsync(
            $"/api/committees/{t.World.Committee}/members", new { agencyId = t.World.ForeignNgo }), Bad);
        yield return new("flag: a citizen of another country", t => t.PostFlagAsync(f => Set(f, "person.citizenship", JsonValue.Create("UZ"))), HttpStatusCode.Forbidden);
        yield return new("committee task update: nothing to change", t => t.World.Caller("committee: CommitteeSecretary").SendAsync(HttpMethod.Patch,
            $"/api/committees/{t.World.Committee}/tasks/{t.World.CommitteeTask}", new { }), Bad);
        yield return new("committee task update: status InProgress, Done", t => t.World.Caller("committee: CommitteeSecretary").SendAsync(HttpMethod.Patch,
            $"/api/committees/{t.World.Committee}/tasks/{t.World.CommitteeTask}", new { status = "InProgress, Done" }), Bad);
        yield return new("plan import: two areas in one cell", t => t.ImportAsync(Encoding.UTF8.GetBytes(
            Committees.Plans.Csv(Committees.Plans.Row("Train", "\"Prosecution, Coordination\"", t.World.Field.Id("kg-owner"), "2030-01-01")))), Bad);
        yield return new("committee task update: status Finished", t => t.World.Caller("committee: CommitteeSecretary").PostRawAsync(
            $"/api/committees/{t.World.Committee}/tasks/{t.World.CommitteeTask}", "{\"status\":\"Finished\"}"), HttpStatusCode.MethodNotAllowed);
        yield return new("plan import: not UTF-8", t => t.ImportAsync(Encoding.Latin1.GetBytes("title,area\r\nSchulung f\u00fcr Grenzbeamte,Prevention\r\n")), Bad);
        yield return new("plan import: no header", t => t.ImportAsync(Encoding.UTF8.GetBytes("just some text\r\n")), Bad);
        yield return new("plan import: a formula for an owner", t => t.ImportAsync(Encoding.UTF8.GetBytes(
            Committees.Plans.Csv(Committees.Plans.Row("Train", "Prevention", "=HYPERLINK(\"http://evil\")", "2027-01-01")))), Bad);
        yield return new("report: period backwards", t => t.World.Caller("committee: CommitteeSecretary").GetAsync($"/api/committees/{t.World.Committee}/report?from=2026-06-01&to=2026-01-01"), Bad);
        yield return new("report: no period", t => t.World.Caller("committee: CommitteeSecretary").GetAsync($"/api/committees/{t.World.Committee}/report"), Bad);
        yield return new("statistics: country XX", t => t.World.Caller("post: Analyst").GetAsync("/api/statistics?country=XX&from=2026-01-01&to=2026-02-01"), Bad);
        yield return new("statistics: date-time without offset", t => t.World.Caller("post: Analyst").GetAsync("/api/statistics?country=KG&from=2026-01-01T00:00:00&to=2026-02-01"), Bad);

        // ---- Sign-in -----------------------------------------------------------------------------------
        (string Json, string Why)[] signIns =
        [
            ("{}", "empty"), ("{\"username\":\"admin\"}", "no password"), ("{\"password\":\"x\"}", "no username"),
            ("{\"username\":\"" + new string('u', 65) + "\",\"password\":\"x\"}", "username too long"),
            ("{\"username\":\"admin\",\"password\":\"" + new string('p', 129) + "\"}", "password too long"),
            ("{\"username\":\"admin\\u0000\",\"password\":\"x\"}", "control character"), ("{\"username\":[\"admin\"],\"password\":\"x\"}", "username as a list"),
            ("{\"username\":\"admin\",\"password\":\"x\",\"grant_type\":\"client_credentials\"}", "unknown field"),
        ];
        foreach (var (json, why) in signIns)
        {
            yield return new($"sign-in: {why}", t => t.Anonymous.PostRawAsync("/api/auth/token", json), Bad);
        }

        yield return new("sign-in: unknown user", t => t.Anonymous.PostAsync("/api/auth/token", new { username = "nobody-here", password = "correct-horse-battery" }), HttpStatusCode.Unauthorized);
        yield return new("sign-in: SQL as the username", t => t.Anonymous.PostAsync("/api/auth/token", new { username = "admin' --", password = "x" }), HttpStatusCode.Unauthorized);
        yield return new("idempotency key: 201 characters", t => t.World.Consul.PostAsync($"/api/cases/{t.World.CaseId}/travel", t.World.Travel, new string('k', 201)), Bad);

        // ---- Tokens --------------------------------------------------------------------------------------
        (string Why, Func<InputAttackTests, string?> Token)[] tokens =
        [
            ("garbage", _ => "abc"), ("empty bearer", _ => " "), ("three empty parts", _ => ".."), ("16 KiB of garbage", _ => new string('A', 16 * 1024)),
            ("forged with another key", t => Jwt.Sign(t.ConsulClaims(), Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray())),
            ("unsigned (alg none)", t => Jwt.Sign(t.ConsulClaims(), null)),
            ("signed with the key under another algorithm (HS512)", t => Jwt.Sign(t.ConsulClaims(), t.SigningKey, sha512: true)),
            ("expired", t => t.SignedToken(t.ConsulClaims(issuedAt: DateTimeOffset.UtcNow.AddHours(-3)))),
            ("not yet valid", t => t.SignedToken(t.ConsulClaims(issuedAt: DateTimeOffset.UtcNow.AddHours(2)))),
            ("wrong issuer", t => t.SignedToken(t.ConsulClaims(), c => c["iss"] = "someone-else")),
            ("wrong audience", t => t.SignedToken(t.ConsulClaims(), c => c["aud"] = "another-app")),
            ("no expiry", t => t.SignedToken(t.ConsulClaims(), c => c.Remove("exp"))),
            ("tampered agency", t => Jwt.Tamper(t.World.Consul.Token!, t.ConsulClaims(c => c["agency"] = t.World.ReferredNgo))),
            ("tampered role", t => Jwt.Tamper(t.World.Consul.Token!, t.ConsulClaims(c => c["role"] = "Admin"))),
            ("signed, without a subject", t => t.SignedToken(t.ConsulClaims(), c => c.Remove("sub"))),
            ("signed, for a user who does not exist", t => t.SignedToken(t.ConsulClaims(), c => c["sub"] = "ghost-user")),
        ];
        foreach (var (why, token) in tokens)
        {
            yield return new($"token: {why}", t => t.SendAsync(HttpMethod.Get, "/api/feed", token(t), null), HttpStatusCode.Unauthorized);
        }

        yield return new("token: Basic credentials", t => t.SendAsync(HttpMethod.Get, "/api/feed", null, null, new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:admin")))),
            HttpStatusCode.Unauthorized);
        yield return new("token: in the query string of an API call", t => t.SendAsync(HttpMethod.Get, $"/api/feed?access_token={t.World.Consul.Token}", null, null), HttpStatusCode.Unauthorized);
    }

    // ---- Requests -------------------------------------------------------------------------------------

    private ApiClient Anonymous { get; } = new(fixture.System.WebUrl);

    public void Dispose() => Anonymous.Dispose();

    private string Committee => World.Field.Id("kg-committee");

    private JsonObject BaselineFlag() => new()
    {
        ["person"] = new JsonObject
        {
            ["fullName"] = "Attack Baseline", ["sex"] = "F", ["birthYear"] = 1990, ["citizenship"] = "KG",
            ["passportNumber"] = "AB7654321", ["phone"] = "+90 555 000 11 22",
        },
        ["currentCountry"] = "TR", ["location"] = "Istanbul", ["situation"] = "Detained", ["exploitationType"] = "Labour",
        ["needs"] = new JsonArray("Shelter"), ["urgency"] = "Routine", ["homeRegion"] = World.Field.Region("Attack"),
        ["consent"] = new JsonObject { ["given"] = true, ["scope"] = "referral" }, ["reportedBy"] = "Consulate",
    };

    private string FlagText() => BaselineFlag().ToJsonString();

    private Task<ApiResponse> PostFlagAsync(Action<JsonObject> mutate)
    {
        var flag = BaselineFlag();
        mutate(flag);
        return World.Consul.PostRawAsync("/api/cases", flag.ToJsonString());
    }

    private Task<ApiResponse> PostFlagRawNameAsync(string rawJson) =>
        World.Consul.PostRawAsync("/api/cases", FlagText().Replace("\"Attack Baseline\"", rawJson, StringComparison.Ordinal));

    private Task<ApiResponse> PostTravelAsync(string field, JsonNode? value)
    {
        var travel = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(World.Travel, Coordination.Contracts.Common.CoordinationJson.Options))!.AsObject();
        travel[field] = value;
        return World.Consul.PostRawAsync($"/api/cases/{World.CaseId}/travel", travel.ToJsonString());
    }

    private Task<ApiResponse> PostAgencyAsync(string field, JsonNode? value)
    {
        var agency = new JsonObject
        {
            ["id"] = World.Field.Id($"attack-{Guid.NewGuid():N}"[..30]), ["name"] = "Attack shelter", ["kind"] = "Shelter", ["country"] = "KG",
            ["timeZone"] = "Asia/Bishkek", ["servesRegions"] = new JsonArray(World.Field.Region("Attack")), ["airports"] = new JsonArray(), ["services"] = new JsonArray("Shelter"),
        };
        agency[field] = value;
        return World.Admin.PostRawAsync("/api/agencies", agency.ToJsonString());
    }

    private Task<ApiResponse> PostTaskAsync(string field, JsonNode? value)
    {
        var task = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(World.TaskRequest.Body))!.AsObject();
        task[field] = value;
        return World.Caller("committee: CommitteeSecretary").PostRawAsync($"/api/committees/{World.Committee}/tasks", task.ToJsonString());
    }

    private Task<ApiResponse> ImportAsync(byte[] csv)
    {
        var content = new ByteArrayContent(csv);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return SendAsync(HttpMethod.Post, $"/api/committees/{World.Committee}/plan/import", World.Caller("committee: CommitteeSecretary").Token, content);
    }

    private Task<ApiResponse> PostUserAsync(string field, JsonNode? value)
    {
        var user = new JsonObject
        {
            ["username"] = $"attack-{Guid.NewGuid():N}"[..20], ["password"] = Field.Password, ["displayName"] = "Attack user",
            ["agencyId"] = World.Post, ["roles"] = new JsonArray("ConsularOfficer"), ["language"] = "en",
        };
        user[field] = value;
        if (field == "password" && value!.GetValue<string>().Contains("USERNAME", StringComparison.Ordinal))
        {
            user["password"] = value.GetValue<string>().Replace("USERNAME", user["username"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        return World.Admin.PostRawAsync("/api/users", user.ToJsonString());
    }

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? token, HttpContent? content, AuthenticationHeaderValue? authorization = null)
    {
        using var http = new HttpClient { BaseAddress = fixture.System.WebUrl, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (authorization is not null)
        {
            request.Headers.Authorization = authorization;
        }
        else if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        }

        using var response = await http.SendAsync(request);
        return new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    // ---- Tokens ------------------------------------------------------------------------------------------

    private Dictionary<string, object> ConsulClaims(Action<Dictionary<string, object>>? change = null, DateTimeOffset? issuedAt = null)
    {
        var claims = Jwt.Claims(World.Username("post: ConsularOfficer"), World.Post, ["ConsularOfficer"], issuedAt ?? DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromHours(1));
        change?.Invoke(claims);
        return claims;
    }

    private byte[] SigningKey => Convert.FromBase64String(fixture.System.SigningKey);

    private string SignedToken(Dictionary<string, object> claims, Action<Dictionary<string, object>>? change = null)
    {
        change?.Invoke(claims);
        return Jwt.Sign(claims, SigningKey);
    }

    // ---- JSON helpers ------------------------------------------------------------------------------------

    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        var (parent, name) = Walk(root, path);
        parent[name] = value;
    }

    private static void Remove(JsonObject root, string path)
    {
        var (parent, name) = Walk(root, path);
        parent.Remove(name);
    }

    private static string? Get(JsonObject root, string path)
    {
        var (parent, name) = Walk(root, path);
        return parent[name]?.GetValue<string>();
    }

    private static (JsonObject Parent, string Name) Walk(JsonObject root, string path)
    {
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            node = node[part]!.AsObject();
        }

        return (node, parts[^1]);
    }

    private static string Nested(int depth, string open, string inner, string close) =>
        string.Concat(Enumerable.Repeat(open, depth)) + inner + string.Concat(Enumerable.Repeat(close, depth));

    private static string Escape(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) || c > '\u007e' ? $"\\u{(int)c:x4}" : c.ToString()));
}
