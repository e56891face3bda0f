// A sweep's worker process: fits one run of the store (its config.json already written) and reports JSON lines on stdout.
// Usage (internal): node sweep-worker.js STORE RUN_ID DEVICE THREADS. On stdin, lines {"type":"threads","threads":N}
// give it more cores (runs that ended freed them); stdin's end asks it to stop.
import { getNumThreads, parseDevice, setNumThreads } from '../engine/index.js';
import { eachJsonLine, runProcessMain } from './process-main.js';
import { fit } from '../experiments/fit.js';
import { RunStore } from '../store/store.js';

function send(msg: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}

async function main(argv: string[]): Promise<number> {
  const [root, id, deviceName, threads] = argv;
  if (!root || !id) throw new Error('sweep-worker: expected STORE RUN_ID DEVICE THREADS');
  const device = parseDevice(deviceName ?? 'cpu', 'sweep-worker: device');
  const parent = process.ppid;
  let stop = false;
  // The sweep holds our stdin: when it goes away (killed), stop after the current epoch's checkpoint.
  eachJsonLine(process.stdin, (m) => {
    if (m.type !== 'threads' || !Number.isInteger(m.threads) || (m.threads as number) < 1) return;
    setNumThreads(m.threads as number, m.threads as number); // between two steps: JS runs no op now
    send({ type: 'threads', threads: getNumThreads() });
  });
  process.stdin.on('close', () => (stop = true)).resume();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => (stop = true));
  const store = new RunStore(root);
  try {
    const run = store.run(id);
    if (!run.exists())
      throw new Error(`sweep-worker: ${run.dir}: no config; expected one written by the sweep`);
    const out = await fit(run.readConfig(), {
      store,
      device,
      wait: true, // a worker of a killed sweep may still be finishing its epoch
      threads: Number(threads) || 1,
      shouldStop: () => stop || process.ppid !== parent,
      onStart: (s) =>
        send({ type: 'start', resumedFrom: s.resumedFrom, totalEpochs: s.totalEpochs, params: s.params }),
      onEpoch: (r) =>
        send({
          type: 'epoch',
          epoch: r.epoch,
          step: r.step,
          trainAcc: r.trainAcc,
          testAcc: r.testAcc,
          trainLoss: r.trainLoss,
        }),
    });
    const cpu = process.cpuUsage();
    send({
      type: 'done',
      summary: out.summary,
      alreadyComplete: out.alreadyComplete,
      interrupted: out.interrupted,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    });
    return out.interrupted ? 130 : 0;
  } finally {
    store.close();
  }
}

runProcessMain(() => main(process.argv.slice(2)));
