using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coordination.Contracts.Common;

namespace Coordination.Tests.Infrastructure;

/// <summary>An HTTP client of the public API (api.md), signed in as one user.</summary>
public sealed class ApiClient(Uri baseAddress, string? token = null) : IDisposable
{
    private const long LargeBody = 32 * 1024;
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public string? Token { get; } = token;
    public Uri BaseAddress => baseAddress;

    public static async Task<ApiClient> LoginAsync(Uri baseAddress, string username, string password)
    {
        using var anonymous = new ApiClient(baseAddress);
        var response = await anonymous.SendAsync(HttpMethod.Post, "/api/auth/token", new { username, password });
        Assert.True(response.Status == HttpStatusCode.OK, $"login of {username} failed: {response.Status} {response.Body}");
        return new ApiClient(baseAddress, response.Json!["accessToken"]!.GetValue<string>());
    }

    public Task<ApiResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<ApiResponse> PostAsync(string path, object? body, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, path, body, idempotencyKey);

    /// <summary>Sends a raw body exactly as given, for malformed-input tests.</summary>
    public Task<ApiResponse> PostRawAsync(string path, string body, string contentType = "application/json", string? idempotencyKey = null) =>
        SendRawAsync(HttpMethod.Post, path, new StringContent(body, Encoding.UTF8, contentType), idempotencyKey);

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body, string? idempotencyKey = null)
    {
        var content = body is null ? null : JsonContent.Create(body, body.GetType(), options: CoordinationJson.Options);
        return await SendRawAsync(method, path, content, idempotencyKey);
    }

    private async Task<ApiResponse> SendRawAsync(HttpMethod method, string path, HttpContent? content, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (content?.Headers.ContentLength > LargeBody)
        {
            // As a careful client does with a large upload: let the server refuse it (413) before the
            // body is sent, instead of racing the server closing the connection mid-upload.
            request.Headers.ExpectContinue = true;
        }

        if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text, response.Headers.Location);
    }

    public void Dispose() => _http.Dispose();
}

public sealed record ApiResponse(HttpStatusCode Status, string? MediaType, string Body, Uri? Location)
{
    public JsonNode? Json => string.IsNullOrEmpty(Body) ? null : JsonNode.Parse(Body);

    public T As<T>() => JsonSerializer.Deserialize<T>(Body, CoordinationJson.Options)
        ?? throw new InvalidOperationException($"Response body was empty: {Status}");

    public ApiResponse Expect(HttpStatusCode status)
    {
        Assert.True(Status == status, $"expected {(int)status} but got {(int)Status}: {Body}");
        return this;
    }

    public ApiResponse ExpectProblem(HttpStatusCode status)
    {
        Expect(status);
        Assert.Equal("application/problem+json", MediaType);
        Assert.Equal((int)status, Json!["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(Json!["title"]?.GetValue<string>()), $"problem without a title: {Body}");
        return this;
    }
}
