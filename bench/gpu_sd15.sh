#!/usr/bin/env bash
# SD1.5-architecture timing on a lent GPU in one short run: export (fp16 for GPU providers), then `easel bench` at
# 512x512, 50 steps, guidance 7.5 (UNet batch 2), and ONNX Runtime's published SD1.5 figures to compare with
# (A100-80GB 0.96 s with TensorRT EP + CUDA graph; RTX 3060 4.8 s with CUDA EP; 50 steps at 512x512).
#
#   bench/gpu_sd15.sh                              # CUDA; needs EASEL= a GPU build (dotnet publish src/McpServer
#                                                  #   -c Release -r linux-x64 -p:EaselOnnxRuntime=Gpu) and python3+torch
#   bench/gpu_sd15.sh --provider cpu --tiny --steps 3 --size 64   # the same script, checked on a CPU
#
# Options: --provider cuda|tensorrt|cpu  --tiny  --model DIR (skip the export)  --steps N  --size PX  --runs N
# Environment: EASEL (the easel executable), PYTHON (one with torch; default python3), DIFFUSERS (diffusers v0.21.4 src/ folder), WORK (scratch folder).
# What the engine binds: UNet inputs and outputs once per generation in host memory (OnnxBinding); weights and
# activations stay on the device, each step copies only the latents in and the prediction out (~64 KB each in fp16).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
provider=cuda; tiny=""; model=""; steps=50; size=512; runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --provider) provider="$2"; shift 2 ;;
    --tiny) tiny="--tiny"; shift ;;
    --model) model="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
work="${WORK:-${TMPDIR:-/tmp}/easel-gpu-bench}"
easel="${EASEL:-$repo/src/McpServer/bin/Release/net10.0/easel}"
[ -x "$easel" ] || { echo "no easel executable at $easel: build src/McpServer (-p:EaselOnnxRuntime=Gpu for CUDA) or set EASEL" >&2; exit 2; }
mkdir -p "$work"

if [ -z "$model" ]; then
  diffusers="${DIFFUSERS:-/work/scratch/perf/diffusers/src}"
  [ -d "$diffusers/diffusers" ] || { echo "DIFFUSERS=$diffusers has no diffusers/ (git archive v0.21.4 src/diffusers of a diffusers checkout)" >&2; exit 2; }
  precision=""; [ "$provider" != cpu ] && precision="--fp16"
  model="$work/sd15${tiny:+-tiny}${precision:+-fp16}"
  if [ ! -f "$model/unet/model.onnx" ]; then
    echo "exporting $model ..." >&2
    "${PYTHON:-python3}" "$here/sd15_export.py" --diffusers "$diffusers" --out "$model" $tiny $precision > "$work/export.log" 2>&1 \
      || { tail -5 "$work/export.log" >&2; exit 1; }
  fi
fi

command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
echo "provider $provider, model $model, ${size}x${size}, $steps steps, $runs runs after 1 warm-up"
"$easel" bench "a red circle on a blue background" --model "$model" --width "$size" --height "$size" --steps "$steps" \
  --guidance 7.5 --scheduler ddim --runs "$runs" --warmup 1 --provider "$provider" --json > "$work/bench.json"
python3 - "$work/bench.json" "$steps" "$size" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
steps, size = int(sys.argv[2]), int(sys.argv[3])
print(f"end to end {r['total_ms_median'] / 1000:.2f} s median, {r['step_ms_median']:.1f} ms per step, "
      f"ONNX Runtime {r['onnx_runtime_ms_mean'] / 1000:.2f} s, overhead {r['overhead_percent']} %")
if steps == 50 and size == 512:
    print("ONNX Runtime's published SD1.5 512x512/50 steps: A100-80GB 0.96 s (TensorRT EP + CUDA graph), RTX 3060 4.8 s (CUDA EP)")
PY
