# Per-route overhead of the real `easel serve --http` process: client wall time minus the engine time the server
# reports in Server-Timing (engine;dur=ms). 64x64, 4 steps, bundled model, CPU; 9 runs per route after a warm-up.
# Tooling only (standard library):
#   python3 route_overhead.py src/McpServer/bin/Debug/net10.0/easel tests/fixtures/models OUT_DIR SOME_64x64_RGBA.png
import base64, io, json, os, re, statistics, subprocess, sys, time, urllib.request, uuid
exe, models, out = sys.argv[1], sys.argv[2], sys.argv[3]
env = dict(os.environ, EASEL_OUTPUT_DIR=out, EASEL_DEFAULT_MODEL="easel-shapes", EASEL_EXECUTION_PROVIDER="cpu")
env.pop("EASEL_API_KEY", None)
png = open(sys.argv[4], "rb").read()
p = subprocess.Popen([exe, "serve", "--http", "--urls", "http://127.0.0.1:0", "--models", models], env=env, stderr=subprocess.PIPE, text=True)
base = None
for line in p.stderr:
    m = re.search(r"Easel MCP server on (http://[^,\s]+)", line)
    if m: base = m.group(1).rstrip("/"); break
import threading; threading.Thread(target=lambda: [None for _ in p.stderr], daemon=True).start()
def multipart(fields, files):
    b = uuid.uuid4().hex; parts = []
    for k, v in fields.items(): parts.append(f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    for k, (name, data) in files.items(): parts.append(f'--{b}\r\nContent-Disposition: form-data; name="{k}"; filename="{name}"\r\nContent-Type: image/png\r\n\r\n'.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{b}--\r\n".encode(), f"multipart/form-data; boundary={b}"
def call(path, body, ctype):
    req = urllib.request.Request(base + path, data=body, headers={"Content-Type": ctype}, method="POST")
    t = time.perf_counter()
    with urllib.request.urlopen(req) as r: r.read(); st = r.headers.get("Server-Timing")
    wall = (time.perf_counter() - t) * 1000
    return wall, float(re.search(r"dur=([\d.]+)", st).group(1))
b64 = base64.b64encode(png).decode()
routes = {
  "generations b64": lambda: call("/v1/images/generations", json.dumps({"prompt": "a red circle", "size": "64x64", "steps": 4, "seed": 1}).encode(), "application/json"),
  "generations url": lambda: call("/v1/images/generations", json.dumps({"prompt": "a red circle", "size": "64x64", "steps": 4, "seed": 1, "response_format": "url"}).encode(), "application/json"),
  "edits (mask)": lambda: call("/v1/images/edits", *multipart({"prompt": "a tree", "steps": "4", "seed": "1"}, {"image": ("i.png", png), "mask": ("m.png", png)})),
  "variations": lambda: call("/v1/images/variations", *multipart({"steps": "4", "n": "1"}, {"image": ("i.png", png)})),
  "sdapi txt2img": lambda: call("/sdapi/v1/txt2img", json.dumps({"prompt": "a red circle", "width": 64, "height": 64, "steps": 4, "seed": 1}).encode(), "application/json"),
  "sdapi img2img": lambda: call("/sdapi/v1/img2img", json.dumps({"prompt": "a red circle", "init_images": [b64], "steps": 4, "seed": 1, "denoising_strength": 0.75}).encode(), "application/json"),
}
try:
    for name, f in routes.items(): f()  # warm-up
    for name, f in routes.items():
        runs = [f() for _ in range(9)]
        print(f"{name}: overhead median {statistics.median(w - e for w, e in runs):.1f} ms (wall {statistics.median(w for w, _ in runs):.1f}, engine {statistics.median(e for _, e in runs):.1f})")
finally:
    p.kill()
