// The official TypeScript SDK client over stdio, talking to whatever stdio command it is given — here the
// mcp-remote bridge in front of a running `easel serve --http`, as Claude Desktop runs it from its config.
//
//   node bridge-client.mjs COMMAND [ARGS...]
//
// initialize, tools/list, then one generate_image that Client.callTool validates against the tool's outputSchema.
// Prints one JSON report line on stdout; exit 0 when all of it worked, 1 otherwise. Every request has a timeout.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [command, ...args] = process.argv.slice(2);
const timeout = 120_000;
const report = { node: process.version, serverName: null, tools: 0, validated: false, images: 0, failures: [] };

try {
  const transport = new StdioClientTransport({ command, args, env: process.env, stderr: "inherit" });
  const client = new Client({ name: "easel-bridge-test", version: "1.0.0" });
  await client.connect(transport, { timeout });
  report.serverName = client.getServerVersion()?.name ?? null;
  const tools = (await client.listTools(undefined, { timeout })).tools;
  report.tools = tools.length;
  const generate = tools.find(t => t.name === "generate_image");
  if (!generate?.outputSchema) report.failures.push("generate_image: not listed, or listed without an outputSchema");
  const result = await client.callTool(
    { name: "generate_image", arguments: { prompt: "a red circle", steps: 2, width: 64, height: 64, seed: 7, inline: "none" } },
    undefined, { timeout });
  if (result.isError) report.failures.push(`generate_image: isError: ${result.content.map(c => c.text ?? "").join(" ")}`);
  else if (result.structuredContent === undefined) report.failures.push("generate_image: no structured content");
  else {
    // callTool has already validated structuredContent against the schema from listTools (it throws otherwise).
    report.validated = true;
    report.images = result.structuredContent.images?.length ?? 0;
  }
  await client.close();
} catch (error) {
  report.failures.push(String(error?.message ?? error));
}
console.log(JSON.stringify(report));
process.exit(report.failures.length === 0 ? 0 : 1);
