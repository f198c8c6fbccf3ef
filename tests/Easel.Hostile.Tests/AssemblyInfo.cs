// The runners share CPU-heavy servers and measure allocation; running them one at a time keeps them independent.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
