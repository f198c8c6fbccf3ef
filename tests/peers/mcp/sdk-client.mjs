// Drives Easel's MCP server with the official TypeScript SDK client, as hosts built on it do (Claude Desktop, the
// Inspector, mcp-remote). Client.callTool validates every non-error result against the tool's outputSchema (cached
// by listTools) and throws on a mismatch; this script makes sure that check is on and counts what it checked.
//
//   node sdk-client.mjs --fixture FIXTURE.json --stdio COMMAND [ARGS...]
//   node sdk-client.mjs --fixture FIXTURE.json --http URL
//
// FIXTURE.json: { "mask": "data:image/png;base64,…" } (white = repaint). Prints one JSON report line on stdout; exit 0 when
// every call validated, 1 otherwise. Every request has an explicit timeout.
import { readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const argv = process.argv.slice(2);
const fixture = JSON.parse(readFileSync(argv[argv.indexOf("--fixture") + 1], "utf8"));
const timeout = 120_000;

let transport;
if (argv.includes("--http")) {
  transport = new StreamableHTTPClientTransport(new URL(argv[argv.indexOf("--http") + 1]));
} else {
  const rest = argv.slice(argv.indexOf("--stdio") + 1);
  transport = new StdioClientTransport({ command: rest[0], args: rest.slice(1), env: process.env, stderr: "inherit" });
}

const client = new Client({ name: "easel-peer-test", version: "1.0.0" });
await client.connect(transport, { timeout });

const report = { transport: argv.includes("--http") ? "http" : "stdio", calls: 0, validated: 0, tools: {}, states: [], failures: [], resources: 0, prompts: 0 };

const listed = (await client.listTools(undefined, { timeout })).tools;
const byName = Object.fromEntries(listed.map(t => [t.name, t]));
for (const tool of listed) if (!tool.outputSchema) report.failures.push(`${tool.name}: no outputSchema`);

/** One call through the SDK's own validation. Returns the result, or null after recording a failure. */
async function call(name, args, label) {
  report.calls++;
  report.tools[name] = (report.tools[name] ?? 0) + 1;
  try {
    const result = await client.callTool({ name, arguments: args }, undefined, { timeout });
    if (result.isError) {
      report.failures.push(`${label}: isError: ${result.content.map(c => c.text ?? "").join(" ")}`);
      return null;
    }
    // Guard against a silently disabled check: the SDK validates only when it knows the schema.
    if (!byName[name]?.outputSchema || result.structuredContent === undefined) {
      report.failures.push(`${label}: no structured content or no schema known to the client`);
      return null;
    }
    report.validated++;
    return result;
  } catch (error) {
    report.failures.push(`${label}: ${error.message}`);
    return null;
  }
}

/** The call with all arguments, with only the base (required) ones, and with each optional one left out. */
async function everyShape(name, base, optional) {
  const full = await call(name, { ...base, ...optional }, `${name}(all)`);
  await call(name, base, `${name}(required only)`);
  for (const key of Object.keys(optional)) {
    const { [key]: _, ...rest } = optional;
    await call(name, { ...base, ...rest }, `${name}(without ${key})`);
  }
  return full;
}

const fast = { steps: 2, seed: 7 };
const common = { negative_prompt: "blurry", model: "easel-shapes", guidance: 5, scheduler: "euler", inline: "none", ...fast };

await everyShape("list_models", {}, {});
await everyShape("compose_prompt", { subject: "a red circle" },
  { style: "watercolor", medium: "ink", lighting: "soft light", composition: "centered", mood: "calm", negatives: "text", model: "easel-shapes" });

const generated = await everyShape("generate_image", { prompt: "a red circle", steps: 2 },
  { ...common, width: 64, height: 64, count: 2 });
const source = generated?.structuredContent.images[0].uri ?? "missing";

await everyShape("restyle_image", { image: source, prompt: "a blue square", steps: 2 },
  { ...common, strength: 0.5, resize: "fill", width: 64, height: 64, count: 1 });
await everyShape("inpaint_image", { image: source, prompt: "a green triangle", mask: fixture.mask, steps: 2 },
  { ...common, strength: 0.9, mask_grow: 2, mask_feather: 2, count: 1 });
await everyShape("outpaint_image", { image: source, prompt: "a wide scene", right: 8, steps: 2 },
  { ...common, left: 8, top: 8, bottom: 8, strength: 0.8, mask_feather: 2, count: 1 });
await everyShape("create_variations", { image: source, steps: 2, count: 1 },
  { ...common, prompt: "a circle", strength: 0.5 });

// Grids: every argument shape, a two-axis grid, and an img2img strength grid.
await everyShape("make_grid", { prompt: "a red circle", x_axis: "seed", x_values: ["1", "2"] },
  { negative_prompt: "blurry", model: "easel-shapes", guidance: 5, scheduler: "euler", seed: 3, steps: 1, width: 64, height: 64, inline: "preview" });
await call("make_grid", { prompt: "a red circle", x_axis: "prompt", x_values: ["red", "blue"], y_axis: "steps", y_values: ["1", "2"], inline: "none" }, "make_grid(two axes)");
await call("make_grid", { prompt: "a red circle", x_axis: "strength", x_values: ["0.3", "0.6"], image: source, steps: 2 }, "make_grid(strength)");

// Data sets: each shape into a fresh folder (under the server's output folder), each job awaited; then a finished
// one cancelled (a no-op).
const datasets = `peer-${Date.now()}`;
let folders = 0;
const datasetOptional = { images_per_prompt: 2, validation: 0.5, seed: 3, negative_prompt: "blurry", model: "easel-shapes", width: 64, height: 64, steps: 1, guidance: 5, scheduler: "euler" };
const datasetShapes = [
  ["all", { prompts: ["a red circle"], ...datasetOptional }],
  ["required and prompts", { prompts: ["a red circle"], steps: 1 }],
  ["template", { template: "a {color} {shape} on a {bg} background", slots: { color: ["red"] }, grammar: true, sample: 2, steps: 1 }],
  ...Object.keys(datasetOptional).map(key => {
    const { [key]: _, ...rest } = datasetOptional;
    return [`without ${key}`, { prompts: ["a red circle"], ...rest }];
  }),
];
let lastDataset = null;
for (const [label, args] of datasetShapes) {
  const started = await call("start_dataset", { out: `${datasets}/set${folders++}`, ...args }, `start_dataset(${label})`);
  if (!started) continue;
  lastDataset = started.structuredContent.job_id;
  const done = await call("get_dataset_job", { job_id: lastDataset, wait_seconds: 50 }, `get_dataset_job(${label})`);
  if (done && done.structuredContent.state !== "succeeded") report.failures.push(`dataset ${label}: ${done.structuredContent.state} ${done.structuredContent.error ?? ""}`);
}
if (lastDataset) {
  await call("get_dataset_job", { job_id: lastDataset }, "get_dataset_job(required only)");
  await call("cancel_dataset_job", { job_id: lastDataset }, "cancel_dataset_job(finished)");
  await call("cancel_dataset_job", { job_id: lastDataset }, "cancel_dataset_job(again)");
}

// Jobs: every operation, each awaited to success; then a long job seen running (or queued) and cancelled.
const operations = {
  generate: { prompt: "a kite" },
  restyle: { prompt: "a kite", image: source },
  inpaint: { prompt: "a kite", image: source, mask: fixture.mask },
  outpaint: { prompt: "a kite", image: source, left: 8 },
  variations: { image: source },
};
for (const [operation, args] of Object.entries(operations)) {
  const started = await call("start_generation", { operation, ...args, ...fast, count: 1 }, `start_generation(${operation})`);
  if (!started) continue;
  report.states.push(started.structuredContent.state);
  const id = started.structuredContent.job_id;
  const done = await call("get_job", { job_id: id, wait_seconds: 50, inline: "preview" }, `get_job(${operation})`);
  if (done) report.states.push(done.structuredContent.state);
  const again = await call("cancel_job", { job_id: id }, `cancel_job(finished ${operation})`);
  if (again) report.states.push(again.structuredContent.state);
}
await call("start_generation", { prompt: "defaults only" }, "start_generation(required only)");

const long = { prompt: "a long job", steps: 500, width: 512, height: 512, count: 16, scheduler: "euler" };
const first = await call("start_generation", long, "start_generation(long 1)");
const second = await call("start_generation", long, "start_generation(long 2)");
for (const job of [second, first]) {
  if (!job) continue;
  const id = job.structuredContent.job_id;
  const seen = await call("get_job", { job_id: id }, "get_job(long)");
  if (seen) report.states.push(seen.structuredContent.state);
  const cancelled = await call("cancel_job", { job_id: id }, "cancel_job(long)");
  if (cancelled) report.states.push(cancelled.structuredContent.state);
  const after = await call("get_job", { job_id: id, wait_seconds: 30 }, "get_job(cancelled)");
  if (after) report.states.push(after.structuredContent.state);
}

// Resources and prompts through the same client.
if (generated) {
  const read = await client.readResource({ uri: source }, { timeout });
  if (read.contents[0]?.mimeType === "image/png" && read.contents[0].blob) report.resources++;
  else report.failures.push(`resources/read ${source}: not a PNG blob`);
}
report.prompts = (await client.listPrompts(undefined, { timeout })).prompts.length;

await client.close();
report.states = [...new Set(report.states)].sort();
console.log(JSON.stringify(report));
process.exit(report.failures.length === 0 ? 0 : 1);
