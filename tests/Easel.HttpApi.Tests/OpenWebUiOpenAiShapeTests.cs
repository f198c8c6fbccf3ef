using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Easel.HttpApi.Tests;

/// <summary>
/// Open WebUI's OpenAI image engine (backend/open_webui/routers/images.py, image_generations with engine "openai"):
/// JSON <c>{model, prompt, n, size, response_format: "b64_json"}</c> merged with the admin's IMAGES_OPENAI_API_PARAMS,
/// <c>Authorization: Bearer</c>, optionally <c>?api-version=</c> and the X-OpenWebUI-User-* headers; it then reads
/// <c>data[i].b64_json</c>, or fetches <c>data[i].url</c> with the same headers.
/// </summary>
public sealed class OpenWebUiOpenAiShapeTests
{
    private const string Key = "sk-open-webui";

    private static HttpRequestMessage OpenWebUiPost(string path, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", Key);
        // ENABLE_FORWARD_USER_INFO_HEADERS
        request.Headers.Add("X-OpenWebUI-User-Name", "Ada");
        request.Headers.Add("X-OpenWebUI-User-Id", "u-1");
        request.Headers.Add("X-OpenWebUI-User-Email", "ada@example.com");
        request.Headers.Add("X-OpenWebUI-User-Role", "admin");
        return request;
    }

    [Fact]
    public async Task The_generation_body_with_admin_params_and_api_version_gets_b64_pngs_with_the_extensions_applied()
    {
        await using var server = await ServerHost.StartAsync(Key);
        var body = new Dictionary<string, object?>
        {
            ["model"] = "easel-shapes",
            ["prompt"] = "a red circle",
            ["n"] = 2,
            ["size"] = "64x64",
            ["response_format"] = "b64_json",
            // IMAGES_OPENAI_API_PARAMS: Easel's extension fields, and OpenAI fields Easel accepts and ignores.
            ["negative_prompt"] = "blue",
            ["seed"] = 77,
            ["steps"] = 3,
            ["guidance_scale"] = 4.5,
            ["scheduler"] = "euler",
            ["user"] = "u-1",
            ["quality"] = "standard",
        };
        using var request = OpenWebUiPost("v1/images/generations?api-version=2024-02-01", body);
        using var response = await server.Http.SendAsync(request).Within("POST generations");
        var json = await ServerHost.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());

        var data = json.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, data.Count);
        Assert.Equal([77L, 78L], data.Select(d => d.GetProperty("seed").GetInt64()));
        foreach (var item in data)
            Assert.Equal((64, 64), TestImages.PngSize(Convert.FromBase64String(item.GetProperty("b64_json").GetString()!)));
        var easel = json.GetProperty("easel").GetProperty("images")[0];
        Assert.Equal(3, easel.GetProperty("steps").GetInt32());
        Assert.Equal(4.5, easel.GetProperty("guidance_scale").GetDouble());
        Assert.Equal("euler", easel.GetProperty("scheduler").GetString());

        // What was saved carries the extension fields the engine used.
        var saved = server.Output.Pngs.Select(p => Engine.Imaging.PngCodec.ReadMetadata(File.ReadAllBytes(p))!).OrderBy(m => m.Seed).ToList();
        Assert.Equal([77L, 78L], saved.Select(m => m.Seed));
        Assert.All(saved, m => Assert.Equal("blue", m.NegativePrompt));
    }

    [Fact]
    public async Task A_url_response_is_fetched_with_the_same_bearer_header_and_output_format_jpeg_is_a_jpeg()
    {
        await using var server = await ServerHost.StartAsync(Key);
        using var request = OpenWebUiPost("v1/images/generations", new { model = "dall-e-3", prompt = "a square", n = 1, size = "64x64", response_format = "url", output_format = "jpeg", steps = 2 });
        using var response = await server.Http.SendAsync(request).Within("POST generations (url)");
        var json = await ServerHost.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        Assert.Equal("jpeg", json.GetProperty("output_format").GetString());
        var url = json.GetProperty("data")[0].GetProperty("url").GetString()!;

        // load_url_image_data(url, headers): a GET with Open WebUI's headers.
        using var fetch = new HttpRequestMessage(HttpMethod.Get, url);
        fetch.Headers.Authorization = new("Bearer", Key);
        using var image = await server.Http.SendAsync(fetch).Within("GET the link");
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/jpeg", image.Content.Headers.ContentType?.MediaType);
        var bytes = await image.Content.ReadAsByteArrayAsync().Within("reading the image");
        Assert.Equal([0xFF, 0xD8, 0xFF], bytes.Take(3));

        using var withoutKey = await server.Http.GetAsync(url).Within("GET the link without the key");
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
    }
}
