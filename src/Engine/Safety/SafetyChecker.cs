using Easel.Engine.Onnx;
using Microsoft.ML.OnnxRuntime.Tensors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Easel.Engine.Safety;

/// <summary>
/// A safety checker component in the layout diffusers' ONNX export and Optimum write: <c>safety_checker/model.onnx</c>
/// with inputs <c>clip_input</c> [B,3,224,224] (CLIP-preprocessed, from <c>feature_extractor/preprocessor_config.json</c>)
/// and <c>images</c> [B,H,W,3] in [0, 1], and a boolean output <c>has_nsfw_concepts</c> [B]. Inputs and outputs are
/// found from the model's metadata (by name, else by layout and dtype) and fed in whatever dtype it declares.
/// </summary>
public sealed class SafetyChecker : IDisposable
{
    private readonly OnnxModel _model;
    private readonly ClipImagePreprocessor _preprocessor;
    private readonly string _clipInput;
    private readonly string? _imagesInput;
    private readonly string _flagOutput;

    private SafetyChecker(string folder, OnnxModel model, ClipImagePreprocessor preprocessor)
    {
        Folder = folder;
        _model = model;
        _preprocessor = preprocessor;
        // By name, else by layout: channels on axis 1 (fixed 3, or a symbolic name saying so), else the first
        // rank-4 input, the order diffusers' and Optimum's exports declare them in.
        var rank4 = model.Inputs.Values.Where(s => s.Rank == 4).ToList();
        _clipInput = (model.Inputs.ContainsKey("clip_input") ? "clip_input" : null)
            ?? rank4.FirstOrDefault(s => s.FixedDimension(1) == 3)?.Name
            ?? rank4.FirstOrDefault(s => s.SymbolicDimensions[1].Contains("channel", StringComparison.OrdinalIgnoreCase))?.Name
            ?? rank4.FirstOrDefault(s => s.FixedDimension(1) is null or 3 && s.FixedDimension(3) != 3)?.Name
            ?? throw Unusable("no clip_input [B,3,H,W] input");
        _imagesInput = (model.Inputs.ContainsKey("images") ? "images" : null)
            ?? rank4.FirstOrDefault(s => s.Name != _clipInput)?.Name;
        foreach (var name in model.Inputs.Keys)
            if (name != _clipInput && name != _imagesInput)
                throw Unusable($"an input Easel cannot feed ({model.Inputs[name].Describe()})");
        _flagOutput = model.Outputs.Values.FirstOrDefault(s => s.ElementType == TensorElementType.Bool)?.Name
            ?? (model.Outputs.ContainsKey("has_nsfw_concepts") ? "has_nsfw_concepts" : null)
            ?? throw Unusable("no boolean has_nsfw_concepts output");
    }

    /// <summary>The folder the checker came from (a model folder, or the operator's checker folder).</summary>
    public string Folder { get; }

    /// <summary>
    /// The checker in <paramref name="folder"/>: <c>safety_checker/model.onnx</c> (or a lone .onnx file there) and
    /// <c>feature_extractor/preprocessor_config.json</c>; a folder that is itself the checker (model.onnx and
    /// preprocessor_config.json side by side) works too. Null when there is none.
    /// </summary>
    public static SafetyChecker? TryLoad(string folder, SessionOptionsFactory sessionOptions)
    {
        string root = Path.GetFullPath(folder);
        var onnx = ModelFile(Path.Combine(root, "safety_checker")) ?? ModelFile(root);
        if (onnx is null) return null;
        var config = new[]
        {
            Path.Combine(root, "feature_extractor", "preprocessor_config.json"),
            Path.Combine(root, "safety_checker", "preprocessor_config.json"),
            Path.Combine(root, "preprocessor_config.json"),
        }.FirstOrDefault(File.Exists) ?? Path.Combine(root, "feature_extractor", "preprocessor_config.json");
        var preprocessor = ClipImagePreprocessor.Load(config);
        var model = OnnxModel.Load(onnx, sessionOptions);
        try
        {
            return new SafetyChecker(root, model, preprocessor);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Whether the checker flags <paramref name="image"/>.</summary>
    public bool IsFlagged(Image<Rgb24> image, RunTimings? timings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (clip, h, w) = _preprocessor.Process(image);
        var inputs = new Dictionary<string, InputValue> { [_clipInput] = InputValue.FromFloats(clip, 1, 3, h, w) };
        if (_imagesInput is not null)
        {
            var pixels = new Rgb24[image.Width * image.Height];
            image.CopyPixelDataTo(pixels);
            var images = new float[pixels.Length * 3];
            for (int i = 0; i < pixels.Length; i++)
            {
                images[(3 * i) + 0] = pixels[i].R / 255f;
                images[(3 * i) + 1] = pixels[i].G / 255f;
                images[(3 * i) + 2] = pixels[i].B / 255f;
            }
            inputs[_imagesInput] = InputValue.FromFloats(images, 1, image.Height, image.Width, 3);
        }
        var flags = _model.Run(inputs, [_flagOutput], timings, cancellationToken)[_flagOutput];
        return flags.Length > 0 && flags.Data[0] > 0.5f;
    }

    private static string? ModelFile(string dir)
    {
        if (!Directory.Exists(dir)) return null;
        var standard = Path.Combine(dir, "model.onnx");
        if (File.Exists(standard)) return standard;
        var files = Directory.GetFiles(dir, "*.onnx");
        return files.Length == 1 ? files[0] : null;
    }

    private EaselException Unusable(string problem) =>
        new($"safety checker: {_model.Path} has {problem}; expected inputs clip_input [B,3,224,224] and images [B,H,W,3], output has_nsfw_concepts (bool). Its inputs: {string.Join("; ", _model.Inputs.Values.Select(s => s.Describe()))}; outputs: {string.Join("; ", _model.Outputs.Values.Select(s => s.Describe()))}.");

    public void Dispose() => _model.Dispose();
}
