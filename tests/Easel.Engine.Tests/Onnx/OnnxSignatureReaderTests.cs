using Easel.Engine.Onnx;
using Microsoft.Extensions.Logging.Abstractions;

namespace Easel.Engine.Tests.Onnx;

public class OnnxSignatureReaderTests
{
    [Fact]
    public void TheFileReaderAgreesWithOnnxRuntimeOnEveryFixtureModel()
    {
        var options = new SessionOptionsFactory(ExecutionProviderKind.Cpu, NullLogger.Instance);
        var files = Directory.GetFiles(RepoPaths.FixtureModels, "*.onnx", SearchOption.AllDirectories);
        Assert.True(files.Length >= 30, $"{files.Length} files");
        foreach (var file in files)
        {
            var fromFile = OnnxSignatureReader.Read(file);
            using var session = OnnxModel.Load(file, options);
            Compare(session.Inputs, fromFile.Inputs, file);
            Compare(session.Outputs, fromFile.Outputs, file, outputs: true);
        }
    }

    // ONNX Runtime reports inferred output shapes where the file declares a symbol (e.g. SDXL text_embeds
    // [batch, sequence_length] that is really [batch, 48]); a declared fixed size must still agree.
    private static void Compare(IReadOnlyDictionary<string, TensorSpec> expected, IReadOnlyDictionary<string, TensorSpec> actual, string file, bool outputs = false)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, spec) in expected)
        {
            Assert.True(spec.ElementType == actual[name].ElementType, $"{file} {name}");
            var got = actual[name].Dimensions;
            bool same = spec.Dimensions.Length == got.Length
                && spec.Dimensions.Zip(got).All(p => p.First == p.Second || (outputs && p.Second == -1));
            Assert.True(same, $"{file} {name}: [{string.Join(",", spec.Dimensions)}] vs [{string.Join(",", got)}]");
        }
    }

    [Fact]
    public void NonOnnxFilesAreNamedInTheError()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "model.onnx");
        File.WriteAllText(path, "definitely not protobuf \u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff");
        var ex = Assert.Throws<EaselException>(() => OnnxSignatureReader.Read(path));
        Assert.Contains(path, ex.Message);
    }
}
