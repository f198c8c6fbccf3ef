namespace Easel.Plugin; internal static class PluginPlaceholder { }
