#!/usr/bin/env bash
# One GPU session, run once from the repository root: everything it writes goes under $OUT.
#
#   OUT=/some/folder bash benchmarks/gpu_session.sh
#
# 1. benchmarks/run.py on cuda (GEMM rate, memory bandwidth, roofline % per family, paper 001's
#    200,000 x 40 run) and benchmarks/cuda_graphs.py (the CUDA-graph path, unmeasured so far);
# 2. the default full harness (no --quick: full size on cuda) for every topic over $SEEDS
#    consecutive seeds from 20261125, each with its exit code, wall time and results file;
# 3. a 2-rank torchrun smoke test of the sharded harness (nccl when 2 GPUs are visible; NCCL
#    refuses two ranks on one device, so with a single GPU it says so and runs the 2 ranks on
#    gloo with CPU tensors instead).
#
# Time: the default harness took 22-63 s per topic on one H200 (issue 13), about 4-5 minutes
# per seed for the six topics: 20 seeds is ~90 minutes.  On a session with less device time
# set SEEDS (and TOPICS) to fit, e.g. SEEDS=1 for a ~5-minute pass; every step has a timeout
# (STEP_TIMEOUT seconds, default 900) and a failure in one step does not stop the others:
# each step's exit code is in $OUT/summary.tsv.
set -uo pipefail

OUT=${OUT:?set OUT to the folder that receives the results}
SEEDS=${SEEDS:-20}
STEP_TIMEOUT=${STEP_TIMEOUT:-900}
SEED0=${SEED0:-20261125}
mkdir -p "$OUT"
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
SUMMARY="$OUT/summary.tsv"
printf 'step\texit\tseconds\n' > "$SUMMARY"

step() {  # step NAME LOGFILE CMD...: run with a timeout, log stdout+stderr, record exit code and time
    local name=$1 log=$2
    shift 2
    local t0 rc ms
    t0=$(date +%s%N)
    timeout "$STEP_TIMEOUT" "$@" > "$log" 2>&1
    rc=$?
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    printf '%s\t%s\t%d.%03d\n' "$name" "$rc" $((ms / 1000)) $((ms % 1000)) >> "$SUMMARY"
    echo "$name: exit $rc"
}

{
    nvidia-smi || true
    python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, \
'devices', torch.cuda.device_count(), [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())])"
} > "$OUT/device.txt" 2>&1

# 1. benchmarks
step bench_cuda "$OUT/bench_cuda.txt" python3 benchmarks/run.py --device cuda --skip check \
    --json "$OUT/bench_cuda.json"
step cuda_graphs "$OUT/cuda_graphs.txt" python3 benchmarks/cuda_graphs.py --json "$OUT/cuda_graphs.json"

# 2. default full harness, every topic, consecutive seeds
TOPICS=${TOPICS:-$(python3 -c "from verify.harness import experiment_topics; print(' '.join(experiment_topics()))")}
for ((i = 0; i < SEEDS; i++)); do
    seed=$((SEED0 + i))
    for topic in $TOPICS; do
        dir="$OUT/harness/seed$seed"
        mkdir -p "$dir"
        step "harness $topic seed $seed" "$dir/$topic.log" \
            python3 -m verify.cli harness --topic "$topic" --device cuda --seed "$seed" --out "$dir"
    done
done

# 3. torchrun smoke test: 2 ranks, every topic at quick size, each topic's replicas split between the ranks
ngpu=$(python3 -c "import torch; print(torch.cuda.device_count())" 2>/dev/null || echo 0)
if [ "${ngpu:-0}" -ge 2 ]; then
    dev=cuda
    echo "nccl: 2 ranks on 2 GPUs" > "$OUT/torchrun_backend.txt"
else
    dev=cpu
    echo "nccl NOT exercised: $ngpu GPU visible and NCCL refuses two ranks on one device; 2 gloo ranks on CPU" \
        > "$OUT/torchrun_backend.txt"
fi
step torchrun_2ranks "$OUT/torchrun.txt" torchrun --standalone --nproc-per-node 2 -m verify.harness.distributed \
    --device "$dev" --quick --out "$OUT/torchrun"

echo "summary: $SUMMARY"
column -t -s $'\t' "$SUMMARY" || cat "$SUMMARY"
