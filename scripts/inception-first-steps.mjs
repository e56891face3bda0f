// Inception without BN at the paper's learning rate 0.1 on 1,000 Fashion-MNIST examples: every step's loss and each
// epoch's accuracy for one initialization (README, Figure 2b). After tsc:
//   node scripts/inception-first-steps.mjs INIT [HEAD] [EPOCHS]   INIT: pytorch | glorot-uniform | he-normal;
//   HEAD: keep (default) | zero | scaleX (the classifier's initial weights zeroed or multiplied by X)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const W = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/src');
const { loadDataset, disposeDataset } = await import(`${W}/data/index.js`);
const { createModel } = await import(`${W}/models/index.js`);
const { Trainer, initialState, trainGenerator } = await import(`${W}/train/index.js`);
const { resolveConfig } = await import(`${W}/presets/preset.js`);
const { Generator, deriveSeed, setNumThreads, noGrad, scope } = await import(`${W}/engine/index.js`);
const [init, head, epochs] = [process.argv[2], process.argv[3] ?? 'keep', Number(process.argv[4] ?? 3)];
if (!init || !/^(keep|zero|scale[0-9.]+)$/.test(head) || !(epochs >= 1)) {
  console.error('usage: node scripts/inception-first-steps.mjs INIT [keep|zero|scaleX] [EPOCHS]');
  process.exit(2);
}
setNumThreads(1);
const c = resolveConfig(
  [
    {
      model: { name: 'inception-small-nobn', init },
      dataset: { trainSize: 1000, testSize: 500 },
      train: { epochs, stopAtTarget: false },
    },
  ],
  'x',
);
const ds = loadDataset({ name: 'fashion-mnist', trainSize: 1000, testSize: 500 });
const model = createModel('inception-small-nobn', {
  input: ds.shape,
  classes: 10,
  generator: new Generator(deriveSeed(0, 'init')),
  init: c.model.init,
});
noGrad(() => {
  for (const [k, p] of model.namedParameters())
    if (k.startsWith('fc.') && head === 'zero') p.zero_();
    else if (k.startsWith('fc.') && head.startsWith('scale')) p.mul_(Number(head.slice(5)));
});
const logits = scope(() =>
  noGrad(() => {
    model.eval();
    const l = model.forward(ds.train.images.narrow(0, 0, 128));
    model.train();
    return l.std().item();
  }),
);
console.log(`${init} head=${head}: initial logits std ${logits.toPrecision(3)}`);
const t = new Trainer(model, ds, c.train, initialState(), trainGenerator(0));
const losses = [];
for (let e = 0; e < epochs && !t.done(); e++) {
  const { record } = t.runEpoch((s, l) => losses.push(l.toFixed(3)));
  console.log(
    `epoch ${record.epoch} steps ${losses.splice(0).join(' ')} | train ${(100 * record.trainAcc).toFixed(1)}% test ${(100 * record.testAcc).toFixed(1)}% ${record.seconds.toFixed(0)} s${t.state.diverged ? ' DIVERGED ' + t.state.diverged : ''}`,
  );
}
t.dispose();
model.dispose();
disposeDataset(ds);
