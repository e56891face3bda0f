#!/bin/bash
# One queue worker vs two on this machine: genlab run PRESET --scale SCALE --queue, timed from enqueue until every
# run is in the coordinator's store, then the local sweep (--jobs 2), and the three stores' metrics compared.
# Usage: scripts/queue-workers.sh [PRESET] [SCALE]   (default fig1b smoke; needs redis-server and a built dist/)
set -e
PRESET=${1:-fig1b}; SCALE=${2:-smoke}
cd "$(dirname "$0")/.."
D=$(mktemp -d /tmp/genlab-qmeasure-XXXX)
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
redis-server --port $PORT --bind 127.0.0.1 --dir $D --save '' --appendonly no >/dev/null & RP=$!
trap 'kill $RP 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$D"' EXIT  # KEEP=1 keeps the stores
sleep 1
Q=redis://127.0.0.1:$PORT
G="node bin/genlab.js"
waitworkers() { until [ "$($G queue status --queue $Q --json | python3 -c 'import json,sys;print(len(json.load(sys.stdin)["workers"]))')" = "$1" ]; do sleep 1; done; }
timed() { local t0=$(date +%s.%N); "$@"; python3 -c "print(round($(date +%s.%N)-$t0,1))"; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
$G worker --queue $Q --out $D/w1 --name one 2>$D/w1.log & W1=$!
waitworkers 1
echo "one worker: $(timed $G run $PRESET --scale $SCALE --queue $Q --out $D/a1 2>$D/a1.log) s"
kill -INT $W1; wait $W1 || true
redis-cli -p $PORT FLUSHALL >/dev/null
$G worker --queue $Q --out $D/w2 --name two-a 2>$D/w2a.log & W2=$!
$G worker --queue $Q --out $D/w3 --name two-b 2>$D/w2b.log & W3=$!
waitworkers 2
echo "two workers: $(timed $G run $PRESET --scale $SCALE --queue $Q --out $D/a2 2>$D/a2.log) s"
kill -INT $W2 $W3; wait $W2 $W3 || true
echo "local (--jobs 2, one thread each): $(timed $G run $PRESET --scale $SCALE --jobs 2 --threads 1 --out $D/l 2>$D/l.log) s"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for s in a1 a2 l; do $G runs --out $D/$s --json > $D/$s.json; done
python3 - $D <<'PY'
import json,sys
d=sys.argv[1]
runs={s:{r['run']:r for r in json.load(open(f'{d}/{s}.json'))['runs']} for s in ['a1','a2','l']}
keys=['trainAcc','testAcc','steps','stepsToFit','epochs','bestTestAcc']
same=all(runs[s][i]['results'][k]==runs['l'][i]['results'][k] for s in ['a1','a2'] for i in runs['l'] for k in keys)
print(len(runs['l']),'runs; every one complete in all three stores:',all(r['status']=='complete' for s in runs for r in runs[s].values()),'; metrics equal to the local sweep:',same)
for i,r in runs['l'].items(): print(' ',i,'epochs',r['results']['epochs'],'stepsToFit',r['results']['stepsToFit'],'train %.4f test %.4f'%(r['results']['trainAcc'],r['results']['testAcc']))
PY
grep -c "started" $D/w2a.log $D/w2b.log || true
if [ -n "${KEEP:-}" ]; then echo "stores kept in $D"; fi
