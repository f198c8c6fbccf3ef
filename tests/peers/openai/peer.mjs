// Drives Easel's OpenAI-compatible routes with the official openai client. Usage:
//   node peer.mjs '{"scenario": "...", "baseURL": "http://127.0.0.1:PORT/v1", "apiKey": "...", "image": "a.png", "mask": "m.png"}'
// Prints one JSON object: what the client returned (or the typed error it threw), for the C# test to check.
import fs from 'node:fs';
import OpenAI, { toFile } from 'openai';

const args = JSON.parse(process.argv[2]);
// apiKey "" sends no Authorization header at all (the client itself refuses an empty key).
const client = args.apiKey === ''
  ? new OpenAI({ baseURL: args.baseURL, apiKey: 'unused', defaultHeaders: { Authorization: null }, maxRetries: 0, timeout: 120_000 })
  : new OpenAI({ baseURL: args.baseURL, apiKey: args.apiKey, maxRetries: 0, timeout: 120_000 });

// Width and height from a PNG's IHDR chunk; null for anything that is not a PNG.
function pngSize(buffer) {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (buffer.length < 24 || !buffer.subarray(0, 8).equals(signature)) return null;
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

function describe(image) {
  const bytes = image.b64_json ? Buffer.from(image.b64_json, 'base64') : null;
  return { seed: image.seed, revised_prompt: image.revised_prompt ?? null, url: image.url ?? null, png: bytes ? pngSize(bytes) : null };
}

const file = (path, name) => toFile(fs.readFileSync(path), name, { type: 'image/png' });

async function run() {
  switch (args.scenario) {
    case 'generate-b64': {
      const r = await client.images.generate({ model: 'easel-shapes', prompt: 'a red circle on white', n: 2, size: '64x64', response_format: 'b64_json', steps: 3 });
      // usage: the client types it optional ("GPT image models only"); Easel's models are not, so it is absent.
      return { created: r.created, size: r.size, output_format: r.output_format, usage: r.usage ?? null, images: r.data.map(describe) };
    }
    case 'generate-url': {
      const r = await client.images.generate({ model: 'dall-e-2', prompt: 'a blue square', n: 1, size: '64x64', response_format: 'url', steps: 2, seed: 42 });
      const image = r.data[0];
      const fetched = await fetch(image.url, { headers: { Authorization: `Bearer ${args.apiKey}` } });
      const bytes = Buffer.from(await fetched.arrayBuffer());
      const tampered = await fetch(image.url.replace(/signature=[0-9a-f]/, 'signature=x'), { headers: { Authorization: `Bearer ${args.apiKey}` } });
      return { image: describe(image), status: fetched.status, contentType: fetched.headers.get('content-type'), png: pngSize(bytes), tamperedStatus: tampered.status };
    }
    case 'edit-mask':
    case 'edit-nomask': {
      const body = { image: await file(args.image, 'image.png'), prompt: 'a green triangle', n: 1, size: '64x64', steps: 4, seed: 7 };
      if (args.scenario === 'edit-mask') body.mask = await file(args.mask, 'mask.png');
      const r = await client.images.edit(body);
      return { images: r.data.map(describe), easel: r.easel };
    }
    case 'edit-two-images': {
      const r = await client.images.edit({ image: [await file(args.image, 'a.png'), await file(args.image, 'b.png')], prompt: 'two', n: 1, steps: 2 });
      return { images: r.data.map(describe), easel: r.easel };
    }
    case 'variation': {
      const r = await client.images.createVariation({ image: await file(args.image, 'image.png'), n: 2, size: '64x64', steps: 3 });
      return { images: r.data.map(describe), easel: r.easel };
    }
    case 'stream':
    case 'edit-stream': {
      const stream = args.scenario === 'stream'
        ? await client.images.generate({ prompt: 'a yellow star', stream: true, partial_images: 2, size: '64x64', steps: 8, seed: 3 })
        : await client.images.edit({ image: await file(args.image, 'image.png'), prompt: 'a yellow star', stream: true, partial_images: 1, steps: 8 });
      const events = [];
      for await (const event of stream) {
        const bytes = Buffer.from(event.b64_json, 'base64');
        events.push({ type: event.type, partial_image_index: event.partial_image_index ?? null, png: pngSize(bytes), seed: event.seed ?? null, usage: event.usage ?? null });
      }
      return { events };
    }
    case 'models': {
      const ids = [];
      for await (const model of client.models.list()) ids.push({ id: model.id, object: model.object, owned_by: model.owned_by });
      const one = await client.models.retrieve(ids[0].id);
      return { models: ids, retrieved: one.id };
    }
    case 'error-size':
      return await client.images.generate({ prompt: 'x', size: '7x7' });
    case 'error-n':
      return await client.images.generate({ prompt: 'x', n: 0 });
    case 'error-format':
      return await client.images.generate({ prompt: 'x', response_format: 'gif' });
    case 'error-model':
      return await client.images.generate({ prompt: 'x', model: 'no-such-model' });
    case 'error-policy':
      return await client.images.generate({ prompt: 'isis propaganda poster', size: '64x64', steps: 2 });
    case 'error-safety':
      return await client.images.generate({ prompt: 'a red circle', size: '64x64', steps: 2 });
    case 'error-key':
      return await client.models.list();
    default:
      throw new Error(`unknown scenario ${args.scenario}`);
  }
}

try {
  console.log(JSON.stringify({ ok: true, result: await run() }));
} catch (error) {
  if (!(error instanceof OpenAI.APIError)) throw error;
  console.log(JSON.stringify({
    ok: false,
    error: { class: error.constructor.name, status: error.status ?? null, message: error.message, type: error.type ?? null, param: error.param ?? null, code: error.code ?? null, retryAfter: error.headers?.get?.('retry-after') ?? null },
  }));
}
