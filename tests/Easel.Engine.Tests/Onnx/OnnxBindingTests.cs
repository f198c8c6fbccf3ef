using Easel.Engine.Onnx;
using Easel.Engine.Tensors;
using Microsoft.Extensions.Logging.Abstractions;

namespace Easel.Engine.Tests.Onnx;

/// <summary>A binding reused across runs computes what a fresh dictionary run computes, for every dtype path.</summary>
public class OnnxBindingTests
{
    private static readonly SessionOptionsFactory Cpu = new(ExecutionProviderKind.Cpu, NullLogger.Instance);

    [Theory]
    [InlineData("bundled", 2)]         // float32: ONNX Runtime reads and writes the engine's arrays directly
    [InlineData("sd15-olive-fp16", 2)] // fp16 with the batch axis fixed at 1: converted, and run as two slices
    [InlineData("sd15-bf16", 2)]       // bfloat16
    [InlineData("sd15-legacy", 1)]
    public void ReusedBindingMatchesAFreshRunEveryTime(string model, int batch)
    {
        var path = model == "bundled"
            ? Path.Combine(RepoPaths.BundledModel, "unet", "model.onnx")
            : Path.Combine(RepoPaths.FixtureModel(model), "unet", "model.onnx");
        using var unet = OnnxModel.Load(path, Cpu);
        int channels = unet.Input("sample").FixedDimension(1) ?? 4;
        int hidden = unet.Input("encoder_hidden_states").FixedDimension(2) ?? 32;
        var timestep = unet.Input("timestep");
        int[] timestepShape = timestep.Rank == 0 ? [] : [timestep.FixedDimension(0) == 1 ? 1 : batch];
        var shapes = new Dictionary<string, int[]>
        {
            ["sample"] = [batch, channels, 8, 8],
            ["encoder_hidden_states"] = [batch, 77, hidden],
            ["timestep"] = timestepShape,
        };
        Assert.All(unet.Inputs.Keys, name => Assert.True(shapes.ContainsKey(name), $"{model} has input {name} this test does not feed"));
        var outputName = unet.OutputNamed("out_sample", "noise_pred", "latent");
        using var binding = unet.Bind(shapes, new Dictionary<string, int[]> { [outputName] = [batch, channels, 8, 8] });

        var noise = new GaussianNoise(9);
        float previous = 0;
        foreach (double t in new[] { 901.0, 41.0 })
        {
            var sample = new float[batch * channels * 64];
            var states = new float[batch * 77 * hidden];
            noise.Fill(sample);
            noise.Fill(states);
            var fresh = unet.Run(new Dictionary<string, InputValue>
            {
                ["sample"] = new Tensor(sample, shapes["sample"]),
                ["encoder_hidden_states"] = new Tensor(states, shapes["encoder_hidden_states"]),
                ["timestep"] = timestep.IsFloatingPoint
                    ? InputValue.FromFloats(Enumerable.Repeat((float)t, Math.Max(1, timestepShape.Sum())).ToArray(), timestepShape)
                    : InputValue.FromIntegers(Enumerable.Repeat((long)t, Math.Max(1, timestepShape.Sum())).ToArray(), timestepShape),
            }, [outputName])[outputName];

            sample.CopyTo(binding.Floats("sample"));
            states.CopyTo(binding.Floats("encoder_hidden_states"));
            if (binding.IsFloatingPoint("timestep")) binding.Floats("timestep").Fill((float)t);
            else binding.Integers("timestep").Fill((long)t);
            binding.Run(null, CancellationToken.None);
            var bound = binding.Output(outputName).ToArray();

            Assert.Equal(fresh.Length, bound.Length);
            for (int i = 0; i < bound.Length; i++)
                Assert.True(fresh.Data[i] == bound[i], $"{model} t={t} value {i}: fresh {fresh.Data[i]} vs bound {bound[i]}");
            Assert.NotEqual(previous, bound[0]); // the second run saw the new inputs, not the first run's
            previous = bound[0];
        }
    }

    [Fact]
    public void BindingRefusesAMissingInputNamingIt()
    {
        using var unet = OnnxModel.Load(Path.Combine(RepoPaths.BundledModel, "unet", "model.onnx"), Cpu);
        var ex = Assert.Throws<EaselException>(() => unet.Bind(
            new Dictionary<string, int[]> { ["sample"] = [1, 4, 8, 8], ["timestep"] = [1] },
            new Dictionary<string, int[]> { ["out_sample"] = [1, 4, 8, 8] }));
        Assert.Contains("encoder_hidden_states", ex.Message, StringComparison.Ordinal);
    }
}
