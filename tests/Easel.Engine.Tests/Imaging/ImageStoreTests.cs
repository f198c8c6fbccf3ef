using Easel.Engine.Imaging;

namespace Easel.Engine.Tests.Imaging;

/// <summary>The output folder is proven writable once; a save that fails keeps nothing and makes the next request prove it again.</summary>
public class ImageStoreTests
{
    [Fact]
    public void AFolderThatBreaksAfterItWasProvenFailsTheSaveWholeAndIsCheckedAgainBeforeTheNextWork()
    {
        using var root = new TempDir();
        var folder = Path.Combine(root.Path, "out");
        var store = new ImageStore(folder);
        store.EnsureWritable();
        var first = store.Save([1, 2, 3], seed: 1);
        Assert.True(File.Exists(first.Path));

        // The folder is replaced by a file: the proven state no longer holds.
        Directory.Delete(folder, recursive: true);
        File.WriteAllText(folder, "not a folder");
        store.EnsureWritable(); // proven earlier: no probe, no error yet
        var save = Assert.Throws<EaselException>(() => store.SaveAll([([1], 2), ([2], 3)]));
        Assert.Contains("none were kept", save.Message);
        Assert.Equal("not a folder", File.ReadAllText(folder));

        var check = Assert.Throws<EaselException>(store.EnsureWritable);
        Assert.Contains("is a file, not a folder", check.Message);
    }

    [Fact]
    public void AFolderRemovedAfterItWasProvenIsMadeAgainBySave()
    {
        using var root = new TempDir();
        var folder = Path.Combine(root.Path, "out");
        var store = new ImageStore(folder);
        store.EnsureWritable();
        Directory.Delete(folder, recursive: true);

        var saved = store.Save([1, 2, 3], seed: 7);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(saved.Path));
        Assert.Empty(Directory.GetFiles(Path.Combine(folder, ImageStore.PartialFolder)));
    }
}
