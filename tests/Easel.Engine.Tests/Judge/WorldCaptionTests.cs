using System.Text.RegularExpressions;
using Easel.Engine.World;
using Easel.Testing.World;

namespace Easel.Engine.Tests.Judge;

/// <summary>The judge's prompts read as training's captions do (models/training/world.py caption).</summary>
public class WorldCaptionTests
{
    private static readonly WorldGrammar G = WorldGrammar.Load();

    [Theory]
    [InlineData("orange", "an")]
    [InlineData("red", "a")]
    public void TheArticleBeforeTheBackgroundAgreesWithItsColour(string background, string article)
    {
        var sampler = new WorldSampler(G);
        var rng = new Random(11);
        int withArticle = 0;
        foreach (var category in WorldCategory.All)
        {
            for (int i = 0; i < 40; i++)
            {
                var scene = sampler.EvalScene(category, i, rng) with { Background = background };
                foreach (bool evalPhrasing in new[] { false, true })
                {
                    string caption = sampler.Caption(scene, rng, evalPhrasing);
                    foreach (Match m in ArticleBefore(background).Matches(caption))
                    {
                        Assert.Equal(article, m.Groups[1].Value.ToLowerInvariant());
                        withArticle++;
                    }
                }
            }
        }
        Assert.True(withArticle > 50, $"only {withArticle} captions put an article before the background");
    }

    private static Regex ArticleBefore(string colour) => new($@"\b(an?) {colour} (background|backdrop|canvas)\b", RegexOptions.IgnoreCase);
}
