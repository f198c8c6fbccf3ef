using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.HttpApi.Tests;

/// <summary>Partial images are the decoded x0 estimate: later ones come closer to the final image.</summary>
public sealed class PartialImageTests
{
    [Fact]
    public async Task Later_partial_images_are_closer_to_the_final_image()
    {
        await using var server = await ServerHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/images/generations")
        {
            Content = JsonContent.Create(new { prompt = "a red circle on a white background", stream = true, partial_images = 3, steps = 16, seed = 11, scheduler = "euler" }),
        };
        using var response = await server.Http.SendAsync(request).Within("streamed generation");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync().Within("reading the stream");

        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(block =>
        {
            var lines = block.Split('\n');
            var type = lines.Single(l => l.StartsWith("event: ", StringComparison.Ordinal))["event: ".Length..];
            var data = JsonDocument.Parse(lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..]).RootElement;
            Assert.Equal(type, data.GetProperty("type").GetString());
            return (Type: type, Png: Convert.FromBase64String(data.GetProperty("b64_json").GetString()!));
        }).ToList();
        Assert.Equal(4, events.Count);
        Assert.Equal("image_generation.completed", events[^1].Type);

        using var final = Image.Load<Rgb24>(events[^1].Png);
        var distances = events.Take(3).Select(e =>
        {
            using var partial = Image.Load<Rgb24>(e.Png);
            double sum = 0;
            for (int y = 0; y < final.Height; y++)
                for (int x = 0; x < final.Width; x++)
                {
                    Rgb24 a = partial[x, y], b = final[x, y];
                    sum += Math.Abs(a.R - b.R) + Math.Abs(a.G - b.G) + Math.Abs(a.B - b.B);
                }
            return sum / (final.Width * final.Height * 3);
        }).ToList();
        Assert.True(distances[2] < distances[0], $"mean distances to the final image by preview: {string.Join(", ", distances.Select(d => d.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.True(distances[2] < 40, $"the last preview is far from the final image: {distances[2]:F1}");
    }
}
