// The expressivity experiment (Theorem 1): the 2n+d-weight ReLU network built on real data and evaluated as a network.
import { z } from 'zod';
import { Generator, deriveSeed, scope } from '../../engine/index.js';
import { disposeFlat, loadFlat } from '../../theory/data.js';
import { disposeTheorem1, theorem1 } from '../../theory/expressivity.js';
import { depthNetwork, evaluateNetwork, outputClasses } from '../../theory/expressivity-net.js';
import { field } from '../../config/schema.js';
import { datasetOptions, labelsOption, seedOption } from './common.js';
import { defineExperiment, type OnProgress } from './experiment.js';
import { datasetIdPart } from '../../store/ids.js';

export const EXPRESSIVITY_OPTIONS = z.strictObject({
  dataset: datasetOptions({
    trainSize: null, // null: the whole training split
    trainHelp: 'points to fit, a seeded subset (default: the whole training split)',
    testHelp: 'test points evaluated (default: the whole test split)',
  }),
  labels: labelsOption('random', 'labels to fit'),
  depth: field(z.int().min(1).default(1), {
    flag: 'depth',
    placeholder: 'K',
    help: 'hidden ReLU layers: 1 is Theorem 1; K > 1 uses width ⌈n/K⌉ + 3',
  }),
  seed: seedOption('seed of the labels and of the direction a'),
});
export type ExpressivityOptions = z.output<typeof EXPRESSIVITY_OPTIONS>;

export interface ExpressivityResult {
  dataset: string;
  labels: string;
  n: number;
  d: number;
  depth: number;
  weights: number;
  parameters: number;
  width: number;
  uniquePoints: number;
  duplicates: number;
  redraws: number;
  fittedFraction: number;
  maxResidual: number;
  minGap: number;
  maxAbsWeight: number;
  testAcc: number;
  chance: number;
  loadSeconds: number;
  solveSeconds: number;
  evalSeconds: number;
  seconds: number; // build and evaluate, without loading
}

async function run(o: ExpressivityOptions, onProgress?: OnProgress): Promise<ExpressivityResult> {
  const t0 = performance.now();
  const data = loadFlat({
    dataset: o.dataset.name,
    dataDir: o.dataset.dataDir ?? undefined,
    trainSize: o.dataset.trainSize ?? undefined,
    testSize: o.dataset.testSize ?? undefined,
    labels: o.labels,
    seed: o.seed,
  });
  const tLoad = performance.now();
  try {
    const c = theorem1(data.xTrain, data.yTrain, {
      generator: new Generator(deriveSeed(o.seed, 'expressivity-direction')),
    });
    const tSolve = performance.now();
    const built = depthNetwork(c, o.depth);
    const [n, d] = data.xTrain.shape;
    const total = n + data.xTest.size(0);
    try {
      const row = scope(() => {
        const out = evaluateNetwork(built.net, data.xTrain, built.width, (k) =>
          onProgress?.('evaluate', k, total),
        );
        const test = evaluateNetwork(built.net, data.xTest, built.width, (k) =>
          onProgress?.('evaluate', n + k, total),
        );
        return {
          dataset: data.name,
          labels: o.labels,
          n,
          d,
          depth: o.depth,
          weights: built.weights,
          parameters: built.parameters,
          width: built.width,
          uniquePoints: c.w.size(0),
          duplicates: c.duplicates.length,
          redraws: c.redraws,
          fittedFraction: outputClasses(out, data.classes).eq(data.yTrain).to('float64').mean().item(),
          maxResidual: out.sub(data.yTrain.to('float64')).abs().max().item(),
          minGap: c.minGap,
          maxAbsWeight: c.w.abs().max().item(),
          testAcc: outputClasses(test, data.classes).eq(data.yTest).to('float64').mean().item(),
          chance: 1 / data.classes,
        };
      });
      const tEnd = performance.now();
      return {
        ...row,
        loadSeconds: (tLoad - t0) / 1000,
        solveSeconds: (tSolve - tLoad) / 1000,
        evalSeconds: (tEnd - tSolve) / 1000,
        seconds: (tEnd - tLoad) / 1000,
      };
    } finally {
      built.net.dispose();
      disposeTheorem1(c);
    }
  } finally {
    disposeFlat(data);
  }
}

export const expressivityExperiment = defineExperiment({
  name: 'expressivity',
  summary: 'Theorem 1: a 2n+d-weight ReLU network that fits any labels (then fails the test set)',
  options: EXPRESSIVITY_OPTIONS,
  idParts: (o) => [datasetIdPart(o.dataset), `labels-${o.labels}`, `depth${o.depth}`],
  index: (o) => ({
    model: `theorem1-depth${o.depth}`,
    dataset: o.dataset.name,
    labels: o.labels,
    inputs: 'true',
  }),
  scores: (r: ExpressivityResult) => ({ trainAcc: r.fittedFraction, testAcc: r.testAcc }),
  headline: (r) =>
    `fitted ${(r.fittedFraction * 100).toFixed(2)}% of ${r.n} points, test accuracy ${(r.testAcc * 100).toFixed(2)}%`,
  run,
});
