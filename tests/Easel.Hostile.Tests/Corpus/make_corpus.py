#!/usr/bin/env python3
"""Writes corpus.json: the hostile-input cases the runners replay (run it after editing; commit both files).

Every case is an input that must be refused. "expect" lists words the error must contain (the field or file named);
the runners also check that nothing crashed or hung, that the output folder is unchanged, that no secret leaked and
that the server answers the next request. Placeholders ($SECRET, $ALLOWED, ...) are filled in by HostileWorld.cs.
"""
import json, os

cli, mcp, http = [], [], []

def c(name, args, *expect, out=None):
    if out is None: out = args[0] in ("generate", "img2img", "inpaint", "outpaint", "variations")
    cli.append({"name": name, "args": args, "expect": list(expect), "out": out})

def tool(name, tool_name, arguments, *expect, oracle=None):
    case = {"name": name, "method": "tools/call", "params": {"name": tool_name, "arguments": arguments}, "expect": list(expect)}
    if oracle: case["oracle"] = oracle
    mcp.append(case)

def rpc(name, method, params, *expect):
    mcp.append({"name": name, "method": method, "params": params, "expect": list(expect)})

def raw(name, line, *expect, accept=False, timeout=None):
    case = {"name": name, "raw": line, "expect": list(expect), "accept": accept}
    if timeout: case["timeout"] = timeout
    mcp.append(case)

# ---------------------------------------------------------------- CLI
numeric = {
    "steps": ["0", "-1", "1001", "99999999999", "1.5", "abc", "", "NaN"],
    "width": ["0", "7", "63", "2049", "-64", "1e3", "x", "65"],
    "height": ["0", "9", "4096", "-8", "NaN", "65"],
    "guidance": ["-1", "101", "NaN", "Infinity", "-Infinity", "1e400", "abc"],
    "guidance-rescale": ["-0.1", "1.5", "NaN"],
    "eta": ["-1", "2", "NaN"],
    "seed": ["-1", "9223372036854775807", "99999999999999999999", "1.5", "seed"],
    "count": ["0", "17", "-3", "1000000", "x"],
}
for option, values in numeric.items():
    field = option.replace("-", "_") if option != "guidance-rescale" else "guidance"
    for v in values:
        c(f"generate --{option} {v!r}", ["generate", "a red circle", f"--{option}", v], option.split("-")[0])
for s in ["bogus", "DDIM;rm -rf /", "euler_a\u0000", "euler a b"]:
    c(f"generate --scheduler {s!r}", ["generate", "a red circle", "--scheduler", s], "scheduler")
for m in ["nope", "/root", "/etc", "../../etc", "$SECRET", "$ALLOWED", "con", "a" * 300, "broken-does-not-exist"]:
    c(f"generate --model {m[:30]!r}", ["generate", "a red circle", "--model", m], "model")
for broken in ["no-merges", "vocab-bad-json", "vocab-string-ids", "vocab-empty", "vocab-array", "vocab-huge-ids",
               "merges-bad", "max-length-negative", "max-length-string", "special-numbers", "index-class-number",
               "index-force-zeros-string", "vae-many-blocks", "unet-many-blocks", "vae-scaling-zero", "sample-size-huge",
               "index-not-object", "vae-config-bad-json"]:
    file = {"no-merges": "merges.txt", "vocab-bad-json": "vocab.json", "vocab-string-ids": "vocab.json",
            "vocab-empty": "vocab.json", "vocab-array": "vocab.json", "vocab-huge-ids": "vocab.json", "merges-bad": "merges.txt",
            "max-length-negative": "model_max_length", "max-length-string": "model_max_length", "special-numbers": "pad_token",
            "index-class-number": "_class_name", "index-force-zeros-string": "force_zeros_for_empty_prompt",
            "vae-many-blocks": "block_out_channels", "unet-many-blocks": "block_out_channels", "vae-scaling-zero": "scaling_factor",
            "sample-size-huge": "sample_size", "index-not-object": "model_index.json", "vae-config-bad-json": "config.json"}[broken]
    c(f"generate on broken model {broken}", ["generate", "a red circle", "--model", f"broken-{broken}"], file)
    if broken.startswith(("vocab", "merges", "no-merges", "max-length", "special")):
        c(f"tokenize on broken model {broken}", ["tokenize", "a red circle", "--model", f"broken-{broken}"], f"broken-{broken}")
for out, word in [("$FILE", "file"), ("/dev/null", "/dev/null"), ("/proc/self/easel", "/proc"), ("", "output folder"),
                  ("$ALLOWED/" + "n" * 300, "output folder"), ("$FILE/sub", "output folder"), ("/sys/easel-out", "output folder"),
                  ("$READONLY", "output folder")]:
    c(f"generate --out {out[:30]!r}", ["generate", "a red circle", "--steps", "1", "--out", out], word, out=False)
for cmd in ["img2img", "inpaint", "outpaint", "variations"]:
    extra = ["--left", "8"] if cmd == "inpaint" else ["--mask", "$MASK"] if cmd != "outpaint" else ["--mask-grow", "2"]
    c(f"{cmd} without --image", [cmd, "a red circle"] + ([] if cmd == "variations" else []), "image")
    for img, word in [("/dev/zero", "image"), ("$FIFO", "image"), ("$LINK_FIFO", "image"), ("$LINK_ZERO", "image"),
                      ("$MISSING", "not found"), ("$BOMB_DIMENSIONS", "megapixel"), ("$TRUNCATED", "image"), ("$TEXTFILE", "image"),
                      ("$EMPTY", "empty"), ("$ALLOWED", "image"), ("data:image/png;base64,!!!!", "base64"), ("data:text/plain,hi", "base64"),
                      ("easel://images/../../etc/passwd", "image"), ("easel://images/nope", "no image"), ("file://host/share/x.png", "image")]:
        c(f"{cmd} --image {img[:40]!r}", [cmd, "a red circle", "--image", img], word)
    c(f"{cmd} with another command's option", [cmd, "a red circle", "--image", "$GOOD"] + extra, extra[0][2:])
for mask, word in [("/dev/zero", "mask"), ("$FIFO", "mask"), ("$LINK_FIFO", "mask"), ("$TEXTFILE", "mask"), ("$BLACK", "mask")]:
    c(f"inpaint --mask {mask[:30]!r}", ["inpaint", "a red circle", "--image", "$GOOD", "--mask", mask], "mask")
for opt, v in [("strength", "-0.1"), ("strength", "1.5"), ("strength", "NaN"), ("mask-grow", "-1"), ("mask-grow", "65"), ("mask-feather", "999")]:
    c(f"inpaint --{opt} {v}", ["inpaint", "a red circle", "--image", "$GOOD", "--mask", "$MASK", f"--{opt}", v], opt.split("-")[0])
c("outpaint with no side", ["outpaint", "a red circle", "--image", "$GOOD"], "left")
c("outpaint --left -8", ["outpaint", "a red circle", "--image", "$GOOD", "--left", "-8"], "left")
c("outpaint --left 99999", ["outpaint", "a red circle", "--image", "$GOOD", "--left", "99999"], "left")
c("img2img --resize bogus", ["img2img", "a red circle", "--image", "$GOOD", "--resize", "bogus"], "resize")
c("img2img --resize 1", ["img2img", "a red circle", "--image", "$GOOD", "--resize", "1"], "resize")
c("generate 1 MB prompt", ["generate", "$BIGPROMPT"], "prompt")
c("generate lone surrogate prompt", ["generate", "a $LONE_SURROGATE b"], "prompt")
c("generate NUL in prompt", ["generate", "a \u0000 b"], "prompt")
c("generate 1 MB negative prompt", ["generate", "cat", "--negative", "$BIGPROMPT"], "negative_prompt")
c("generate no prompt", ["generate"], "prompt")
c("generate two prompts", ["generate", "a", "b"], "prompt")
c("generate unknown option", ["generate", "a", "--wdith", "64"], "wdith")
c("generate option without value", ["generate", "a", "--steps"], "steps")
c("unknown command", ["generat", "a"], "generat")
c("tokenize no text", ["tokenize"], "text")
c("tokenize unknown model", ["tokenize", "a", "--model", "nope"], "model")
c("models unknown option", ["models", "--bogus"], "bogus")
c("bench --runs 0", ["bench", "--runs", "0"], "runs")
c("bench --steps -1", ["bench", "--steps", "-1"], "steps")
c("generate --provider bogus", ["generate", "a", "--provider", "bogus"], "provider")

# ---------------------------------------------------------------- MCP (stdio and HTTP)
base = {"prompt": "a red circle", "steps": 1}
# A string that is exactly a number ("5") is read as that number on every surface (the MCP schema policy), so the
# string cases here are strings that are not numbers.
for field, values in {"steps": [0, -1, 1001, 1.5, "five", True, 1e300, [1]], "width": [0, 7, 63, 4096, "64px", -64],
                      "height": [0, 2049, 1.25], "guidance": [-1, 101, "NaN", "high"], "seed": [-1, 1.5, "x", 9.3e18],
                      "count": [0, 17, -1], "scheduler": ["bogus", 3, ""], "negative_prompt": [5, ["a"]],
                      "model": ["nope", "/root", "/etc", "$SECRET_DIR", "$ALLOWED", "../models", 7, "$SECRET_DIR/../outside"]}.items():
    for v in values:
        args = dict(base); args[field] = v
        tool(f"generate_image {field}={json.dumps(v)[:30]}", "generate_image", args, field)
# The servers run with a 2 GB request memory cap (HostileWorld.MemoryCapMB): these sizes are valid but too big for it.
for w, hgt, n in [(2048, 2048, 1), (1536, 1536, 1), (1024, 2048, 16)]:
    tool(f"generate_image {w}x{hgt} x{n} over the memory cap", "generate_image", dict(base, width=w, height=hgt, count=n), "MaxRequestMemoryMB", "width")
for bad, word in [({}, "prompt"), ({"prompt": None}, "prompt"), ({"prompt": 5}, "prompt"), ({"prompt": "$BIGPROMPT"}, "prompt"),
({"prompt": "a", "bogus": 1}, "bogus"), ({"prompt": ["a"]}, "prompt")]:
    tool(f"generate_image args {json.dumps(bad)[:40]}", "generate_image", bad, word)
for broken in ["no-merges", "vocab-bad-json", "vocab-string-ids", "max-length-string", "special-numbers", "index-class-number",
               "index-force-zeros-string", "vae-many-blocks", "vae-scaling-zero", "merges-bad"]:
    tool(f"generate_image on broken-{broken}", "generate_image", dict(base, model=f"broken-{broken}"), f"broken-{broken}")
edit_tools = {"restyle_image": {}, "inpaint_image": {"mask": "$MASK"}, "outpaint_image": {"left": 8}, "create_variations": {"count": 1}}
images = [("$SECRET", "only from", "outside-existing"), ("$MISSING_OUTSIDE", "only from", "outside-missing"),
          ("$LINK_SECRET", "only from", None), ("$LINK_DIR_SECRET", "only from", None), ("file://$LINK_SECRET", "only from", None),
          ("$ALLOWED/../outside/secret.png", "only from", None), ("../outside/secret.png", "only from", None),
          ("$PLANTED_ID", "image", None), ("easel://images/$PLANTED_ID", "no image", None), ("/dev/zero", "only from", None),
          ("$FIFO", "empty", None), ("$LINK_FIFO", "only from", None), ("$BOMB_DIMENSIONS", "megapixel", None),
          ("$TRUNCATED", "image", None), ("$EMPTY", "empty", None), ("data:image/png;base64,AAAA", "image", None),
          ("easel://images/..%2F..%2Fetc%2Fpasswd", "no image", None), ("easel://images/", "no image", None), ("", "image", None),
          ("/proc/self/environ", "only from", None), ("$HARDLINK_SECRET", "hard link", None), ("file://$HARDLINK_SECRET", "hard link", None),
          ("$PLANTED_HARD_ID", "hard link", None), ("easel://images/$PLANTED_HARD_ID", "hard link", None)]
for tname, extra in edit_tools.items():
    for img, word, oracle in images:
        args = dict(base, image=img, **extra)
        if tname == "create_variations": args.pop("prompt")
        tool(f"{tname} image={img[:40]}", tname, args, word, oracle=(f"{tname}-{'outside'}" if oracle else None))
    args = dict(base, image="$GOOD", **extra)
    args["strength"] = 2
    tool(f"{tname} strength=2", tname, args, "strength")
for m, word in [("$HARDLINK_SECRET", "hard link"), ("$SECRET", "mask"), ("$LINK_SECRET", "mask"), ("/dev/zero", "mask"), ("$FIFO", "mask"), ("$BLACK", "mask"), ("$TEXTFILE", "mask")]:
    tool(f"inpaint_image mask={m[:30]}", "inpaint_image", dict(base, image="$GOOD", mask=m), word)
tool("outpaint_image no side", "outpaint_image", dict(base, image="$GOOD"), "left")
tool("outpaint_image left=-1", "outpaint_image", dict(base, image="$GOOD", left=-1), "left")
tool("compose_prompt no subject", "compose_prompt", {}, "subject")
tool("compose_prompt subject number", "compose_prompt", {"subject": 3}, "subject")
tool("compose_prompt unknown model", "compose_prompt", {"subject": "a cat", "model": "/root"}, "model")
tool("get_job unknown", "get_job", {"job_id": "nope"}, "nope")
tool("get_job wait 51", "get_job", {"job_id": "x", "wait_seconds": 51}, "wait_seconds")
tool("cancel_job unknown", "cancel_job", {"job_id": "../../x"}, "job")
tool("start_generation bad operation", "start_generation", {"operation": "explode", "prompt": "a"}, "operation")
tool("start_generation steps 0", "start_generation", {"prompt": "a", "steps": 0}, "steps")
tool("unknown tool", "no_such_tool", {}, "no_such_tool")
rpc("tools/call arguments as array", "tools/call", {"name": "generate_image", "arguments": ["a red circle"]}, "arguments")
rpc("tools/call arguments as string", "tools/call", {"name": "generate_image", "arguments": "a red circle"}, "arguments")
rpc("tools/call without name", "tools/call", {"arguments": {"prompt": "a"}}, "name")
rpc("tools/call name as number", "tools/call", {"name": 5, "arguments": {}}, "name")
rpc("tools/call params as array", "tools/call", ["generate_image"], "params")
rpc("resources/read number uri", "resources/read", {"uri": 5}, "uri")
rpc("resources/read planted symlink", "resources/read", {"uri": "easel://images/$PLANTED_ID"}, "$PLANTED_ID")
rpc("resources/read planted hard link", "resources/read", {"uri": "easel://images/$PLANTED_HARD_ID"}, "hard link")
rpc("resources/read traversal", "resources/read", {"uri": "easel://images/..%2Fsecret"}, "image")
rpc("resources/read file uri", "resources/read", {"uri": "file://$SECRET"}, "resource")
rpc("resources/read missing uri", "resources/read", {}, "uri")
rpc("prompts/get missing args", "prompts/get", {"name": "product_shot"}, "product")
rpc("prompts/get unknown", "prompts/get", {"name": "nope"}, "nope")
rpc("completion/complete garbage", "completion/complete", {"ref": 5, "argument": "x"}, "ref")
rpc("completion/complete no ref", "completion/complete", {"argument": {"name": "style", "value": ""}}, "ref")
rpc("unknown method", "easel/explode", {}, "easel/explode")
raw("JSON-RPC batch", '[{"jsonrpc":"2.0","id":"b1","method":"ping"}]', "JSON-RPC", timeout=5)
raw("line with a BOM", '\ufeff{"jsonrpc":"2.0","id":"bom1","method":"ping"}', "", accept=True, timeout=5)
raw("not JSON", 'this is not json {', "", timeout=5)
raw("JSON number", '42', "", timeout=5)
raw("empty batch", '[]', "JSON-RPC", timeout=5)
raw("JSON string", '"ping"', "object", timeout=5)
raw("JSON null", 'null', "JSON-RPC", timeout=5)
raw("JSON true", 'true', "object", timeout=5)
raw("truncated object with id", '{"jsonrpc":"2.0","id":"t1","method":"pi', "", timeout=5)
raw("truncated object without id", '{"jsonrpc":"2.0","method":"ping","id"', "", timeout=5)
raw("wrong jsonrpc version", '{"jsonrpc":"1.0","id":"v1","method":"ping"}', "")

# ---------------------------------------------------------------- HTTP only (headers, bodies)
def h(name, status, body=None, headers=None, method="POST", path="/mcp", expect=()):
    http.append({"name": name, "method": method, "path": path, "headers": headers or {}, "body": body, "status": status, "expect": list(expect)})

init = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"h","version":"1"}}}'
h("foreign Host", [403], init, {"Host": "evil.example.com"}, expect=["Host"])
h("foreign Origin", [403], init, {"Origin": "http://evil.example.com"}, expect=["Origin"])
h("null Origin", [403], init, {"Origin": "null"}, expect=["Origin"])
h("rebinding Host with port", [403], init, {"Host": "attacker.test:8765"}, expect=["Host"])
h("file Origin", [403], init, {"Origin": "file://"}, expect=["Origin"])
h("body not JSON", [400], "not json", expect=[])
h("empty body", [400], "", expect=[])
h("body JSON array of garbage", [400, 200], "[1,2,3]", expect=[])
h("wrong content type", [400, 415], init, {"Content-Type": "text/plain"}, expect=[])
h("PUT", [404, 405], init, method="PUT", expect=[])
h("GET without session", [400, 405], None, method="GET", expect=[])
h("DELETE without session", [200, 400, 404, 405], None, method="DELETE", expect=[])
h("unknown session id", [400, 404], '{"jsonrpc":"2.0","id":2,"method":"ping"}', {"Mcp-Session-Id": "nope"}, expect=[])
h("path traversal", [400, 404], init, path="/mcp/../../etc/passwd", expect=[])
h("other path", [404], init, path="/admin", expect=[])
h("64 KB header", [400, 431, 200], init, {"X-Junk": "a" * 65536}, expect=[])
h("Accept only html", [400, 406], init, {"Accept": "text/html"}, expect=[])
h("BOM body", [200, 400], "\ufeff" + init, expect=[])
h("protocol version bogus", [200, 400], init.replace("2025-06-18", "1999-01-01"), expect=[])
h("deeply nested JSON", [400, 200], "[" * 5000 + "]" * 5000, expect=[])

corpus = {"cli": cli, "mcp": mcp, "http": http}
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "corpus.json"), "w", encoding="utf-8") as f:
    json.dump(corpus, f, indent=1, ensure_ascii=True)
print(f"cli {len(cli)}, mcp {len(mcp)} (x2 transports), http {len(http)}: {len(cli) + 2 * len(mcp) + len(http)} cases")
