using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Easel.Testing;

namespace Easel.HttpApi.Tests;

/// <summary>
/// Requests in the shapes AUTOMATIC1111's clients send, written down from their source: Open WebUI's image router
/// (backend/open_webui/routers/images.py: GET/POST /sdapi/v1/options, GET /sdapi/v1/sd-models, POST /sdapi/v1/txt2img
/// with prompt, batch_size, width, height, steps, negative_prompt plus the admin's extra params, an "authorization"
/// header that is empty without credentials) and the full pydantic body of A1111's own API (modules/api/models.py).
/// </summary>
public sealed class A1111ShapeTests : IAsyncLifetime
{
    private ServerHost _server = null!;

    public async Task InitializeAsync() => _server = await ServerHost.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>Every field A1111 1.10's StableDiffusionProcessingTxt2Img API model carries, at its defaults, sized for the bundled model.</summary>
    private static Dictionary<string, object?> WebUiTxt2ImgBody() => new()
    {
        ["prompt"] = "a red circle",
        ["negative_prompt"] = "blurry",
        ["styles"] = Array.Empty<string>(),
        ["seed"] = 1234,
        ["subseed"] = -1,
        ["subseed_strength"] = 0,
        ["seed_resize_from_h"] = -1,
        ["seed_resize_from_w"] = -1,
        ["sampler_name"] = "Euler a",
        ["scheduler"] = "Automatic",
        ["batch_size"] = 2,
        ["n_iter"] = 1,
        ["steps"] = 3,
        ["cfg_scale"] = 7,
        ["width"] = 64,
        ["height"] = 64,
        ["restore_faces"] = false,
        ["tiling"] = false,
        ["do_not_save_samples"] = false,
        ["do_not_save_grid"] = false,
        ["eta"] = 0,
        ["denoising_strength"] = 0,
        ["s_min_uncond"] = 0,
        ["s_churn"] = 0,
        ["s_tmax"] = 0,
        ["s_tmin"] = 0,
        ["s_noise"] = 1,
        ["override_settings"] = new Dictionary<string, object>(),
        ["override_settings_restore_afterwards"] = true,
        ["refiner_checkpoint"] = "",
        ["refiner_switch_at"] = 0,
        ["disable_extra_networks"] = false,
        ["comments"] = new Dictionary<string, object>(),
        ["enable_hr"] = false,
        ["firstphase_width"] = 0,
        ["firstphase_height"] = 0,
        ["hr_scale"] = 2,
        ["hr_upscaler"] = "",
        ["hr_second_pass_steps"] = 0,
        ["hr_resize_x"] = 0,
        ["hr_resize_y"] = 0,
        ["hr_checkpoint_name"] = "",
        ["hr_sampler_name"] = "",
        ["hr_prompt"] = "",
        ["hr_negative_prompt"] = "",
        ["sampler_index"] = "Euler",
        ["script_name"] = "",
        ["script_args"] = Array.Empty<object>(),
        ["send_images"] = true,
        ["save_images"] = false,
        ["alwayson_scripts"] = new Dictionary<string, object>(),
    };

    private static void AssertImages(JsonElement body, int count)
    {
        var images = body.GetProperty("images").EnumerateArray().Select(i => Convert.FromBase64String(i.GetString()!)).ToList();
        Assert.Equal(count, images.Count);
        Assert.All(images, png => Assert.Equal((64, 64), TestImages.PngSize(png)));
    }

    [Fact]
    public async Task The_web_ui_txt2img_body_gets_images_parameters_and_info_with_seeds()
    {
        var (response, body) = await _server.PostJsonAsync("sdapi/v1/txt2img", WebUiTxt2ImgBody());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertImages(body, 2);

        var parameters = body.GetProperty("parameters");
        Assert.Equal("a red circle", parameters.GetProperty("prompt").GetString());
        Assert.Equal("blurry", parameters.GetProperty("negative_prompt").GetString());
        Assert.Equal(1234, parameters.GetProperty("seed").GetInt64());
        Assert.Equal("Euler a", parameters.GetProperty("sampler_name").GetString());
        Assert.Equal(2, parameters.GetProperty("batch_size").GetInt32());
        Assert.Equal(3, parameters.GetProperty("steps").GetInt32());
        Assert.Equal(7, parameters.GetProperty("cfg_scale").GetDouble());
        Assert.Equal(64, parameters.GetProperty("width").GetInt32());

        var info = JsonDocument.Parse(body.GetProperty("info").GetString()!).RootElement;
        Assert.Equal(1234, info.GetProperty("seed").GetInt64());
        Assert.Equal([1234L, 1235L], info.GetProperty("all_seeds").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal(["a red circle", "a red circle"], info.GetProperty("all_prompts").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("easel-shapes", info.GetProperty("sd_model_name").GetString());
        Assert.Equal("Euler a", info.GetProperty("sampler_name").GetString());
        Assert.Equal(0, info.GetProperty("index_of_first_image").GetInt32());
        var infotexts = info.GetProperty("infotexts").EnumerateArray().Select(t => t.GetString()!).ToList();
        Assert.Equal(2, infotexts.Count);
        Assert.Contains("Sampler: Euler a", infotexts[0]);
        Assert.Contains("Seed: 1235", infotexts[1]);
        Assert.Matches("^[0-9]{14}$", info.GetProperty("job_timestamp").GetString()!);
    }

    [Fact]
    public async Task Open_webui_checks_options_lists_models_selects_one_and_generates()
    {
        using var optionsRequest = new HttpRequestMessage(HttpMethod.Get, "sdapi/v1/options");
        optionsRequest.Headers.TryAddWithoutValidation("authorization", ""); // what Open WebUI sends without A1111 credentials
        using var optionsResponse = await _server.Http.SendAsync(optionsRequest).Within("GET options");
        Assert.Equal(HttpStatusCode.OK, optionsResponse.StatusCode);
        var options = await ServerHost.ReadJsonAsync(optionsResponse);
        Assert.Equal("easel-shapes", options.GetProperty("sd_model_checkpoint").GetString());

        var (_, models) = await _server.GetJsonAsync("sdapi/v1/sd-models");
        var model = models.EnumerateArray().Single(m => m.GetProperty("model_name").GetString() == "easel-shapes");
        var title = model.GetProperty("title").GetString()!;
        Assert.False(string.IsNullOrEmpty(model.GetProperty("filename").GetString()));

        // set_image_model: posts the options it read with sd_model_checkpoint changed.
        var (setResponse, _) = await _server.PostJsonAsync("sdapi/v1/options", new { sd_model_checkpoint = title, samples_format = "png" });
        Assert.Equal(HttpStatusCode.OK, setResponse.StatusCode);
        var (unknown, unknownBody) = await _server.PostJsonAsync("sdapi/v1/options", new { sd_model_checkpoint = "no-such.safetensors [abc]" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("easel-shapes", unknownBody.GetProperty("detail").GetString());

        // image_generations for engine automatic1111, with AUTOMATIC1111_PARAMS {"cfg_scale": 2, "sampler_name": "DPM++ 2M", "scheduler": "Karras"}.
        var (response, body) = await _server.PostJsonAsync("sdapi/v1/txt2img", new Dictionary<string, object?>
        {
            ["prompt"] = "a blue square",
            ["batch_size"] = 1,
            ["width"] = 64,
            ["height"] = 64,
            ["steps"] = 2,
            ["negative_prompt"] = "text",
            ["cfg_scale"] = 2,
            ["sampler_name"] = "DPM++ 2M",
            ["scheduler"] = "Karras",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertImages(body, 1);
        var info = JsonDocument.Parse(body.GetProperty("info").GetString()!).RootElement;
        Assert.Equal("DPM++ 2M Karras", info.GetProperty("sampler_name").GetString());
        Assert.Contains("Sampler: DPM++ 2M Karras", info.GetProperty("infotexts")[0].GetString());
    }

    [Fact]
    public async Task Img2img_with_and_without_a_mask()
    {
        var picture = "data:image/png;base64," + Convert.ToBase64String(TestImages.Picture());
        var body = new Dictionary<string, object?>
        {
            ["init_images"] = new[] { picture },
            ["resize_mode"] = 0,
            ["denoising_strength"] = 0.75,
            ["image_cfg_scale"] = 0,
            ["mask"] = null,
            ["mask_blur"] = 4,
            ["inpainting_fill"] = 1,
            ["inpaint_full_res"] = true,
            ["inpaint_full_res_padding"] = 32,
            ["inpainting_mask_invert"] = 0,
            ["initial_noise_multiplier"] = 1,
            ["prompt"] = "a green square",
            ["seed"] = 9,
            ["sampler_name"] = "DDIM",
            ["batch_size"] = 1,
            ["n_iter"] = 2,
            ["steps"] = 4,
            ["cfg_scale"] = 5,
            ["width"] = 64,
            ["height"] = 64,
            ["include_init_images"] = false,
            ["send_images"] = true,
        };
        var (restyle, restyled) = await _server.PostJsonAsync("sdapi/v1/img2img", body);
        Assert.Equal(HttpStatusCode.OK, restyle.StatusCode);
        AssertImages(restyled, 2);
        Assert.Equal(0.75, restyled.GetProperty("parameters").GetProperty("denoising_strength").GetDouble());
        Assert.Equal(JsonValueKind.Null, restyled.GetProperty("parameters").GetProperty("init_images").ValueKind);
        Assert.Equal([9L, 10L], JsonDocument.Parse(restyled.GetProperty("info").GetString()!).RootElement.GetProperty("all_seeds").EnumerateArray().Select(s => s.GetInt64()));

        body["mask"] = Convert.ToBase64String(TestImages.WhiteLeftHalfMask());
        body["n_iter"] = 1;
        var (inpaint, inpainted) = await _server.PostJsonAsync("sdapi/v1/img2img", body);
        Assert.Equal(HttpStatusCode.OK, inpaint.StatusCode);
        AssertImages(inpainted, 1);
        var operations = _server.Output.Pngs.Select(p => Engine.Imaging.PngCodec.ReadMetadata(File.ReadAllBytes(p))!.Operation).OrderBy(o => o).ToList();
        Assert.Equal(["img2img", "img2img", "inpaint"], operations);
    }

    [Fact]
    public async Task Samplers_list_the_a1111_names()
    {
        var (_, samplers) = await _server.GetJsonAsync("sdapi/v1/samplers");
        var names = samplers.EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        foreach (var expected in new[] { "Euler a", "Euler", "DPM++ 2M", "DPM++ 2M Karras", "DDIM", "LCM", "PLMS" }) Assert.Contains(expected, names);
        Assert.All(samplers.EnumerateArray(), s => Assert.Equal(JsonValueKind.Array, s.GetProperty("aliases").ValueKind));
    }

    [Theory]
    [InlineData("steps", 0, 422, "steps: 0 is outside the allowed range 1–1000")]
    [InlineData("cfg_scale", 500, 422, "cfg_scale: 500 is outside the allowed range 0–100")]
    [InlineData("width", 7, 422, "width: 7 is outside the allowed range 8–2048")]
    [InlineData("batch_size", 0, 422, "batch_size: 0 must be at least 1")]
    [InlineData("sampler_name", "UniPC", 404, "Sampler not found")]
    public async Task Bad_fields_answer_with_the_field_and_range(string field, object value, int status, string message)
    {
        var body = new Dictionary<string, object?> { ["prompt"] = "x", ["steps"] = 2, [field] = value };
        var (response, error) = await _server.PostJsonAsync("sdapi/v1/txt2img", body);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(message, error.GetProperty("detail").GetString());
        Assert.Empty(_server.Output.Pngs);
    }

    [Fact]
    public async Task Progress_reports_a_running_txt2img_with_a_preview_and_interrupt_stops_it_within_one_step()
    {
        const int steps = 400;
        // The gate holds the run before its 100th step: past the first preview (400 steps, 4 previews, the first after
        // step 80) and provably still going at any load until the interrupt below cancels it.
        const int heldAt = 100;
        using var gate = new StepGate(_server.Engine, heldAt);
        var run = _server.PostJsonAsync("sdapi/v1/txt2img", new { prompt = "a long run", steps, width = 64, height = 64, sampler_name = "Euler" });
        await gate.WaitUntilHeldAsync(Timeouts.Call);
        var (_, progress) = await _server.GetJsonAsync("sdapi/v1/progress");
        Assert.Equal(heldAt - 1, progress.GetProperty("state").GetProperty("sampling_step").GetInt32());
        Assert.Equal(JsonValueKind.String, progress.GetProperty("current_image").ValueKind);
        Assert.Equal(steps, progress.GetProperty("state").GetProperty("sampling_steps").GetInt32());
        Assert.Equal("txt2img", progress.GetProperty("state").GetProperty("job").GetString());
        Assert.InRange(progress.GetProperty("progress").GetDouble(), 0.0001, 0.9999);
        Assert.Equal((64, 64), TestImages.PngSize(Convert.FromBase64String(progress.GetProperty("current_image").GetString()!)));

        var (interrupt, _) = await _server.PostJsonAsync("sdapi/v1/interrupt", new { });
        Assert.Equal(HttpStatusCode.OK, interrupt.StatusCode);
        var (_, atInterrupt) = await _server.GetJsonAsync("sdapi/v1/progress");
        int stepAtInterrupt = atInterrupt.GetProperty("state").GetProperty("sampling_step").GetInt32();

        var (response, body) = await run.Within("the interrupted txt2img");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var info = JsonDocument.Parse(body.GetProperty("info").GetString()!).RootElement;
        Assert.True(info.GetProperty("interrupted").GetBoolean());
        Assert.Equal(1, body.GetProperty("images").GetArrayLength()); // the latest preview, as A1111 returns what it had

        var (_, after) = await _server.GetJsonAsync("sdapi/v1/progress");
        int finalStep = after.GetProperty("state").GetProperty("sampling_step").GetInt32();
        Assert.True(after.GetProperty("state").GetProperty("interrupted").GetBoolean());
        Assert.InRange(finalStep, stepAtInterrupt, stepAtInterrupt + 1);
        Assert.True(finalStep < steps);
        Assert.Equal(heldAt, gate.Calls); // no UNet call began after the interrupt
        Assert.Empty(_server.Output.Pngs);
    }
}
