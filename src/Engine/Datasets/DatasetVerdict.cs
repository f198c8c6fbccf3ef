using Easel.Engine.Imaging;
using Easel.Engine.World;

namespace Easel.Engine.Datasets;

/// <summary>The world judge's verdict on one data set image: whether it shows what its labels say, and what it saw.</summary>
public sealed record DatasetVerdict(bool Pass, string Details)
{
    /// <summary>Judges the saved PNG, as a user re-checking the set would: the file is what the verdict is about.</summary>
    public static DatasetVerdict Judge(SceneLabels labels, string pngPath, long maxPixels)
    {
        var grammar = WorldGrammar.Load();
        using var image = ImageLoader.Decode(File.ReadAllBytes(pngPath), maxPixels, "judge");
        var judgement = new WorldJudge(grammar).Judge(image.Rgb);
        return new DatasetVerdict(WorldGrade.Passes(grammar, labels, judgement), judgement.ToString());
    }
}
