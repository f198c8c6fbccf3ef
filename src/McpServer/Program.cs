using Easel.McpServer.Cli;
using Easel.McpServer.Mcp.Hosting;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return args is ["serve", .. var rest] && !CliHelp.Requested(rest)
    ? await ServeCommand.RunAsync(rest, Console.Error, cancel.Token)
    : await CliApp.RunAsync(args, Console.Out, Console.Error, cancel.Token);
