using System.Security.Cryptography;
using System.Text;

namespace Coordination.Tests.Notify;

/// <summary>
/// What a browser and a push service do with Web Push's keys, for the tests: make VAPID and browser
/// key pairs, check a VAPID JWT, and decrypt an aes128gcm body (RFC 8291) as the browser would.
/// </summary>
public static class WebPushKeys
{
    public static (string PublicKey, string PrivateKey) NewVapidKeys()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        return (Base64Url([4, .. parameters.Q.X!, .. parameters.Q.Y!]), Base64Url(parameters.D!));
    }

    /// <summary>The uncompressed point (65 bytes) of a P-256 key.</summary>
    public static byte[] PublicPoint(ECDiffieHellman key)
    {
        var q = key.ExportParameters(includePrivateParameters: false).Q;
        return [4, .. q.X!, .. q.Y!];
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }

    /// <summary>The claims of a VAPID JWT (ES256) whose signature the public key verifies; throws when it does not.</summary>
    public static string VerifiedClaims(string jwt, string publicKey)
    {
        var parts = jwt.Split('.');
        var point = FromBase64Url(publicKey);
        using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] } });
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), FromBase64Url(parts[2]), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation), "the VAPID signature does not verify with the server's public key");
        return Encoding.UTF8.GetString(FromBase64Url(parts[1]));
    }

    /// <summary>Decrypts an aes128gcm body with the browser's key and authentication secret (RFC 8188, RFC 8291).</summary>
    public static string Decrypt(byte[] body, ECDiffieHellman browser, byte[] authSecret)
    {
        var salt = body[..16];
        var recordSize = (body[16] << 24) | (body[17] << 16) | (body[18] << 8) | body[19];
        var keyIdLength = body[20];
        var serverPoint = body[21..(21 + keyIdLength)];
        var cipher = body[(21 + keyIdLength)..];
        Assert.True(cipher.Length <= recordSize, "one record");

        using var server = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = serverPoint[1..33], Y = serverPoint[33..] },
        });
        var shared = browser.DeriveRawSecretAgreement(server.PublicKey);
        var keyInfo = Encoding.ASCII.GetBytes("WebPush: info\0").Concat(PublicPoint(browser)).Concat(serverPoint).ToArray();
        var ikm = Hkdf(authSecret, shared, keyInfo, 32);
        var contentKey = Hkdf(salt, ikm, Encoding.ASCII.GetBytes("Content-Encoding: aes128gcm\0"), 16);
        var nonce = Hkdf(salt, ikm, Encoding.ASCII.GetBytes("Content-Encoding: nonce\0"), 12);

        var plain = new byte[cipher.Length - 16];
        using var aes = new AesGcm(contentKey, 16);
        aes.Decrypt(nonce, cipher[..^16], cipher[^16..], plain);
        var end = Array.LastIndexOf(plain, (byte)2);
        Assert.True(end >= 0 && plain[(end + 1)..].All(b => b == 0), "the last record's padding delimiter");
        return Encoding.UTF8.GetString(plain[..end]);
    }

    private static byte[] Hkdf(byte[] salt, byte[] ikm, byte[] info, int length) => HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, length, salt, info);
}
