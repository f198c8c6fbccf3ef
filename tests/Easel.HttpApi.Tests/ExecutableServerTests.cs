using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Easel.Engine.Vocabulary;

namespace Easel.HttpApi.Tests;

/// <summary>
/// The real executable: <c>easel serve --http</c> started as a process (one per class), driven by the official openai
/// npm client and by A1111 requests in Open WebUI's shape, with Open WebUI's Basic credentials.
/// </summary>
[Trait("Category", "Process")] // spawns processes: the slow ones (filter with Category!=Process for a quick run)
public sealed class ExecutableServerTests(ExecutableServerTests.Running running) : IClassFixture<ExecutableServerTests.Running>
{
    private const string Key = "sk-easel-process-key";

    /// <summary>One server process and the input images for every test in the class.</summary>
    public sealed class Running : IAsyncLifetime
    {
        internal ExecutableServer Server { get; private set; } = null!;
        internal TempDir Inputs { get; } = new();
        public string Image => Path.Combine(Inputs.Path, "image.png");
        public string Mask => Path.Combine(Inputs.Path, "mask.png");

        public async Task InitializeAsync()
        {
            await File.WriteAllBytesAsync(Image, TestImages.Picture());
            await File.WriteAllBytesAsync(Mask, TestImages.TransparentLeftHalfMask());
            Server = await ExecutableServer.StartAsync(Key);
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            Inputs.Dispose();
        }
    }

    private ExecutableServer Server => running.Server;

    private async Task<JsonElement> Peer(string scenario, string key = Key)
    {
        var output = await OpenAiPeer.RunAsync(new { scenario, baseURL = new Uri(Server.BaseUri, "v1").ToString(), apiKey = key, image = running.Image, mask = running.Mask });
        return output;
    }

    private async Task<JsonElement> Result(string scenario)
    {
        var output = await Peer(scenario);
        Assert.True(output.GetProperty("ok").GetBoolean(), $"{scenario}: {output}\nserver log:\n{Server.Log}");
        return output.GetProperty("result");
    }

    private static void AssertPng(JsonElement image)
    {
        Assert.Equal(64, image.GetProperty("png").GetProperty("width").GetInt32());
        Assert.Equal(64, image.GetProperty("png").GetProperty("height").GetInt32());
    }

    private HttpClient Client(string? authorization)
    {
        var http = new HttpClient { BaseAddress = Server.BaseUri, Timeout = Timeouts.Call };
        if (authorization is not null) http.DefaultRequestHeaders.TryAddWithoutValidation("authorization", authorization);
        return http;
    }

    /// <summary>Open WebUI's header for AUTOMATIC1111_API_AUTH "user:password" (routers/images.py, get_automatic1111_api_auth).</summary>
    private static string OpenWebUiBasic(string apiAuth) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(apiAuth));

    [Fact]
    public async Task The_openai_client_generates_as_b64_json_and_as_a_url_it_can_fetch()
    {
        var b64 = await Result("generate-b64");
        var images = b64.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(2, images.Count);
        foreach (var image in images) AssertPng(image);
        Assert.Equal(images[0].GetProperty("seed").GetInt64() + 1, images[1].GetProperty("seed").GetInt64());
        Assert.Equal(JsonValueKind.Null, b64.GetProperty("usage").ValueKind);

        var url = await Result("generate-url");
        Assert.StartsWith(new Uri(Server.BaseUri, "v1/images/files/").ToString(), url.GetProperty("image").GetProperty("url").GetString());
        Assert.Equal(200, url.GetProperty("status").GetInt32());
        Assert.Equal(64, url.GetProperty("png").GetProperty("width").GetInt32());
        Assert.Equal(403, url.GetProperty("tamperedStatus").GetInt32());
        Assert.Equal(42, url.GetProperty("image").GetProperty("seed").GetInt64());
    }

    [Fact]
    public async Task The_openai_client_edits_with_a_mask_and_creates_variations()
    {
        var edit = await Result("edit-mask");
        AssertPng(edit.GetProperty("images")[0]);
        Assert.Equal(7, edit.GetProperty("images")[0].GetProperty("seed").GetInt64());

        var variation = await Result("variation");
        Assert.Equal(2, variation.GetProperty("images").GetArrayLength());
        foreach (var image in variation.GetProperty("images").EnumerateArray()) AssertPng(image);

        var written = Server.Output.Pngs.Select(p => Engine.Imaging.PngCodec.ReadMetadata(File.ReadAllBytes(p))!).ToList();
        Assert.Contains(written, m => m.Operation == "inpaint" && m.Seed == 7);
        Assert.True(written.Count(m => m.Operation == "variation") >= 2);
    }

    [Fact]
    public async Task The_openai_client_lists_models_and_gets_a_typed_error_for_a_wrong_key()
    {
        var models = await Result("models");
        Assert.Contains(models.GetProperty("models").EnumerateArray(), m => m.GetProperty("id").GetString() == "easel-shapes");

        var wrong = await Peer("error-key", Key + "-wrong");
        Assert.False(wrong.GetProperty("ok").GetBoolean());
        Assert.Equal("AuthenticationError", wrong.GetProperty("error").GetProperty("class").GetString());
        Assert.Equal(401, wrong.GetProperty("error").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A1111_txt2img_and_img2img_with_open_webui_basic_credentials()
    {
        using var http = Client(OpenWebUiBasic("easel:" + Key));
        using var txt2img = await http.PostAsJsonAsync("sdapi/v1/txt2img", new Dictionary<string, object?>
        {
            // Open WebUI's image_generations body for the automatic1111 engine.
            ["prompt"] = "a red circle",
            ["batch_size"] = 1,
            ["width"] = 64,
            ["height"] = 64,
            ["steps"] = 3,
            ["negative_prompt"] = "",
            ["seed"] = 11,
            ["sampler_name"] = "Euler a",
        }).Within("POST txt2img");
        Assert.Equal(HttpStatusCode.OK, txt2img.StatusCode);
        var generated = await ServerHost.ReadJsonAsync(txt2img);
        var png = Convert.FromBase64String(generated.GetProperty("images")[0].GetString()!);
        Assert.Equal((64, 64), TestImages.PngSize(png));
        var info = JsonDocument.Parse(generated.GetProperty("info").GetString()!).RootElement;
        Assert.Equal(11, info.GetProperty("all_seeds")[0].GetInt64());

        using var img2img = await http.PostAsJsonAsync("sdapi/v1/img2img", new Dictionary<string, object?>
        {
            ["init_images"] = new[] { Convert.ToBase64String(png) },
            ["prompt"] = "a green circle",
            ["denoising_strength"] = 0.5,
            ["steps"] = 4,
            ["seed"] = 12,
            ["width"] = 64,
            ["height"] = 64,
        }).Within("POST img2img");
        Assert.Equal(HttpStatusCode.OK, img2img.StatusCode);
        var restyled = await ServerHost.ReadJsonAsync(img2img);
        Assert.Equal((64, 64), TestImages.PngSize(Convert.FromBase64String(restyled.GetProperty("images")[0].GetString()!)));
        Assert.Equal(0.5, restyled.GetProperty("parameters").GetProperty("denoising_strength").GetDouble());

        using var anonymous = Client("");
        using var refused = await anonymous.PostAsJsonAsync("sdapi/v1/txt2img", new { prompt = "x", steps = 1 }).Within("POST txt2img without credentials");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Basic", refused.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Health_and_ready_answer_with_the_key()
    {
        using var http = Client("Bearer " + Key);
        var health = await ServerHost.ReadJsonAsync(await http.GetAsync("health").Within("GET /health"));
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal(Engine.Imaging.EngineInfo.Version, health.GetProperty("version").GetString());
        using var readyResponse = await http.GetAsync("ready").Within("GET /ready");
        Assert.Equal(HttpStatusCode.OK, readyResponse.StatusCode);
        var ready = await ServerHost.ReadJsonAsync(readyResponse);
        Assert.Contains("easel-shapes", ready.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
    }

    [Theory]
    [InlineData("generate", new[] { "--count N (1–{0})" })]
    [InlineData("variations", new[] { "(1–{0}, default {1})" })]
    [InlineData("inpaint", new[] { "(0–{2} each)", "--steps N (1–{3})", "--guidance X (0–{4})", "up to {5}" })]
    public async Task Cli_help_states_the_engines_limits(string command, string[] expected)
    {
        var info = new System.Diagnostics.ProcessStartInfo(ExecutableServer.Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("help");
        info.ArgumentList.Add(command);
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().Within("easel help " + command);
        Assert.Equal(0, process.ExitCode);
        var help = await stdout + await stderr;
        object[] limits = [EaselLimits.MaxCount, EaselLimits.DefaultVariationCount, EaselLimits.MaxMaskPixels, EaselLimits.MaxSteps, EaselLimits.MaxGuidance, EaselLimits.MaxSide];
        foreach (var text in expected)
            Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, text, limits), help);
    }
}
