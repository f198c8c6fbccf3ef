using System.Text.Json;

namespace Easel.HttpApi.Tests;

/// <summary>The official openai npm client against a running server (key required), scenario by scenario.</summary>
public sealed class OpenAiClientTests : IAsyncLifetime
{
    private const string Key = "sk-easel-test-key";
    private ServerHost _server = null!;
    private readonly TempDir _inputs = new();
    private string _image = "", _mask = "";

    public async Task InitializeAsync()
    {
        _server = await ServerHost.StartAsync(Key);
        _image = Path.Combine(_inputs.Path, "image.png");
        _mask = Path.Combine(_inputs.Path, "mask.png");
        await File.WriteAllBytesAsync(_image, TestImages.Picture());
        await File.WriteAllBytesAsync(_mask, TestImages.TransparentLeftHalfMask());
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _inputs.Dispose();
    }

    private async Task<JsonElement> Result(string scenario, string? key = Key)
    {
        var output = await OpenAiPeer.RunAsync(new { scenario, baseURL = new Uri(_server.BaseUri, "v1").ToString(), apiKey = key, image = _image, mask = _mask });
        Assert.True(output.GetProperty("ok").GetBoolean(), $"{scenario}: {output}");
        return output.GetProperty("result");
    }

    private async Task<JsonElement> Error(string scenario, string? key = Key)
    {
        var output = await OpenAiPeer.RunAsync(new { scenario, baseURL = new Uri(_server.BaseUri, "v1").ToString(), apiKey = key, image = _image, mask = _mask });
        Assert.False(output.GetProperty("ok").GetBoolean(), $"{scenario} should have failed: {output}");
        return output.GetProperty("error");
    }

    private static void AssertPng(JsonElement image, int side = 64)
    {
        Assert.Equal(side, image.GetProperty("png").GetProperty("width").GetInt32());
        Assert.Equal(side, image.GetProperty("png").GetProperty("height").GetInt32());
    }

    [Fact]
    public async Task Generate_b64_json_with_n_2_gives_two_pngs_with_distinct_seeds()
    {
        var result = await Result("generate-b64");
        var images = result.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(2, images.Count);
        foreach (var image in images) AssertPng(image);
        Assert.NotEqual(images[0].GetProperty("seed").GetInt64(), images[1].GetProperty("seed").GetInt64());
        Assert.Equal(images[0].GetProperty("seed").GetInt64() + 1, images[1].GetProperty("seed").GetInt64());
        Assert.Equal("64x64", result.GetProperty("size").GetString());
        Assert.Equal("png", result.GetProperty("output_format").GetString());
        // No invented token counts: OpenAI reports usage for its GPT image models only (see docs/http-apis.md).
        Assert.Equal(JsonValueKind.Null, result.GetProperty("usage").ValueKind);
        Assert.InRange(result.GetProperty("created").GetInt64(), DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());
        Assert.Equal(2, _server.Output.Pngs.Length);
    }

    [Fact]
    public async Task Generate_url_serves_the_image_from_a_signed_link_and_refuses_a_tampered_one()
    {
        var result = await Result("generate-url");
        var url = result.GetProperty("image").GetProperty("url").GetString()!;
        Assert.StartsWith(new Uri(_server.BaseUri, "v1/images/files/").ToString(), url);
        Assert.Contains("signature=", url);
        Assert.Equal(42, result.GetProperty("image").GetProperty("seed").GetInt64());
        Assert.Equal(200, result.GetProperty("status").GetInt32());
        Assert.Equal("image/png", result.GetProperty("contentType").GetString());
        Assert.Equal(64, result.GetProperty("png").GetProperty("width").GetInt32());
        Assert.Equal(403, result.GetProperty("tamperedStatus").GetInt32());
    }

    [Fact]
    public async Task Edit_with_a_mask_inpaints_and_without_one_restyles()
    {
        var masked = await Result("edit-mask");
        AssertPng(masked.GetProperty("images")[0]);
        Assert.Equal(7, masked.GetProperty("images")[0].GetProperty("seed").GetInt64());
        var plain = await Result("edit-nomask");
        AssertPng(plain.GetProperty("images")[0]);

        var operations = _server.Output.Pngs.Select(p => Engine.Imaging.PngCodec.ReadMetadata(File.ReadAllBytes(p))!.Operation).OrderBy(o => o).ToList();
        Assert.Equal(["img2img", "inpaint"], operations);
    }

    [Fact]
    public async Task Edit_with_two_images_edits_each()
    {
        var result = await Result("edit-two-images");
        Assert.Equal(2, result.GetProperty("images").GetArrayLength());
    }

    [Fact]
    public async Task Create_variation_gives_n_variations()
    {
        var result = await Result("variation");
        var images = result.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(2, images.Count);
        foreach (var image in images) AssertPng(image);
        Assert.All(_server.Output.Pngs, p => Assert.Equal("variation", Engine.Imaging.PngCodec.ReadMetadata(File.ReadAllBytes(p))!.Operation));
    }

    [Fact]
    public async Task Streaming_generation_sends_partial_images_then_the_completed_image()
    {
        var events = (await Result("stream")).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["image_generation.partial_image", "image_generation.partial_image", "image_generation.completed"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal([0, 1], events.Take(2).Select(e => e.GetProperty("partial_image_index").GetInt32()));
        foreach (var e in events) AssertPng(e);
        Assert.Equal(3, events[2].GetProperty("seed").GetInt64());
        Assert.All(events, e => Assert.Equal(JsonValueKind.Null, e.GetProperty("usage").ValueKind));
    }

    [Fact]
    public async Task Streaming_edit_sends_image_edit_events()
    {
        var events = (await Result("edit-stream")).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["image_edit.partial_image", "image_edit.completed"], events.Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Models_list_and_retrieve_show_the_bundled_model()
    {
        var result = await Result("models");
        var models = result.GetProperty("models").EnumerateArray().ToList();
        Assert.Contains(models, m => m.GetProperty("id").GetString() == "easel-shapes" && m.GetProperty("object").GetString() == "model" && m.GetProperty("owned_by").GetString() == "easel");
        Assert.Equal(models[0].GetProperty("id").GetString(), result.GetProperty("retrieved").GetString());
    }

    [Theory]
    [InlineData("error-size", "size", "7")]
    [InlineData("error-n", "n", "1–16")]
    [InlineData("error-format", "response_format", "b64_json, url")]
    public async Task Bad_input_is_a_typed_BadRequestError_naming_the_parameter_and_range(string scenario, string param, string mentioned)
    {
        var error = await Error(scenario);
        Assert.Equal("BadRequestError", error.GetProperty("class").GetString());
        Assert.Equal(400, error.GetProperty("status").GetInt32());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains(param + ":", error.GetProperty("message").GetString());
        Assert.Contains(mentioned, error.GetProperty("message").GetString());
        Assert.Empty(_server.Output.Pngs);
    }

    [Fact]
    public async Task An_unknown_model_is_a_NotFoundError()
    {
        var error = await Error("error-model");
        Assert.Equal("NotFoundError", error.GetProperty("class").GetString());
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Contains("easel-shapes", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("wrong-key")]
    [InlineData("")]
    public async Task A_missing_or_wrong_key_is_an_AuthenticationError(string key)
    {
        var error = await Error("error-key", key);
        Assert.Equal("AuthenticationError", error.GetProperty("class").GetString());
        Assert.Equal(401, error.GetProperty("status").GetInt32());
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
    }
}
