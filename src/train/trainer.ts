// The training loop of the randomization tests: SGD epochs, full-set evaluation, stop rules (§4–5).
import {
  Generator,
  autocast,
  deriveSeed,
  scope,
  tensor,
  type Precision,
  type Tensor,
} from '../engine/index.js';
import { F, type Module } from '../nn/index.js';
import { SGD, learningRate } from '../optim/index.js';
import { augmentBatch, augmentSpec, type AugmentSpec } from '../data/augment.js';
import { batchRanges, epochOrder } from '../data/batches.js';
import type { TrainConfig } from './config.js';
import { bitAt, evaluate, type Evaluation } from './evaluate.js';

export interface EpochRecord {
  epoch: number; // 1-based
  step: number; // SGD steps done at the end of this epoch
  lr: number; // the learning rate at the epoch's last step
  stepLoss: number; // mean training loss over the epoch's steps (train mode, as stepped)
  trainLoss: number; // full training set, eval mode
  trainAcc: number;
  testLoss: number;
  testAcc: number;
  seconds: number;
}

/** Everything that a checkpoint must hold besides tensors; JSON-serializable. */
export interface TrainState {
  epoch: number; // epochs completed
  step: number;
  examplesSeen: number;
  history: EpochRecord[];
  stepsToFit: number | null; // Figure 1b
  epochsToFit: number | null;
  bestTestAcc: number; // early stopping (Table 2's parentheses)
  bestTestEpoch: number;
  diverged: string | null; // why, when the loss blew up
  wallSeconds: number;
  finished: boolean;
}

export function initialState(): TrainState {
  return {
    epoch: 0,
    step: 0,
    examplesSeen: 0,
    history: [],
    stepsToFit: null,
    epochsToFit: null,
    bestTestAcc: 0,
    bestTestEpoch: 0,
    diverged: null,
    wallSeconds: 0,
    finished: false,
  };
}

export interface TrainData {
  train: { images: Tensor; labels: Tensor };
  test: { images: Tensor; labels: Tensor };
  /** Indices (ascending) of the training examples SGD sees (train.fraction); absent: all. The others are
   * held out: never trained on, but evaluated with the rest, so the per-example bitset covers them too. */
  members?: readonly number[];
}

/** Some training examples: their indices in the training set, as a JS list and an int64 tensor, and copies. */
interface Part {
  at: number[];
  idx: Tensor; // (M) int64
  images: Tensor;
  labels: Tensor;
}

function part(train: TrainData['train'], at: number[]): Part {
  return scope(() => {
    const idx = tensor(Int32Array.from(at)).to('int64').to(train.images.device); // beside the data (a GPU's)
    return { at, idx, images: train.images.indexSelect(0, idx), labels: train.labels.indexSelect(0, idx) };
  });
}

export class Trainer {
  readonly optimizer: SGD;
  /** Draws augmentation (and the model's dropout, which holds the same generator). */
  readonly generator: Generator;
  private readonly augment: AugmentSpec | null;
  /** With data.members: the examples trained on, and those held out. */
  private readonly split: { fit: Part; heldOut: Part } | null;
  /** fp32, or bf16: forward passes (training and evaluation) under CPU autocast. */
  private readonly precision: Precision;

  constructor(
    readonly model: Module,
    readonly data: TrainData,
    readonly config: TrainConfig,
    readonly state: TrainState,
    generator: Generator,
  ) {
    this.optimizer = new SGD(model.parameters(), {
      lr: config.lr,
      momentum: config.momentum,
      weightDecay: config.weightDecay,
      nesterov: config.nesterov,
    });
    this.generator = generator;
    this.augment = config.augment.length > 0 ? augmentSpec(config.augment) : null;
    this.split = data.members ? this.splitTrain(data.members) : null;
    this.precision = config.precision ?? 'fp32';
  }

  private splitTrain(members: readonly number[]): { fit: Part; heldOut: Part } {
    const n = this.data.train.images.shape[0];
    const isMember = new Uint8Array(n);
    for (const i of members) isMember[i] = 1;
    const out = [...Array(n).keys()].filter((i) => !isMember[i]);
    return { fit: part(this.data.train, [...members]), heldOut: part(this.data.train, out) };
  }

  /** True when the run should stop: fitted (if asked), diverged, or out of epochs/steps. */
  done(): boolean {
    const s = this.state;
    const c = this.config;
    return (
      s.finished ||
      s.diverged !== null ||
      s.epoch >= c.epochs ||
      (c.maxSteps !== null && s.step >= c.maxSteps) ||
      (c.stopAtTarget && s.stepsToFit !== null)
    );
  }

  /**
   * One epoch: shuffled batches, one SGD step each; then the full train and test sets. `trainCorrect`
   * is the bitset of training examples classified correctly at the epoch's end (null after divergence);
   * `trainLabelProb` each training example's predicted probability of its label, only when some are held
   * out (data.members), where it is a held-out self-confidence (null otherwise and after divergence).
   */
  runEpoch(onStep?: (step: number, loss: number) => void): {
    record: EpochRecord;
    losses: Float32Array;
    trainCorrect: Uint8Array | null;
    trainLabelProb: Float32Array | null;
  } {
    const s = this.state;
    const c = this.config;
    const t0 = performance.now();
    const fit = this.split?.fit;
    const n = fit ? fit.at.length : this.data.train.images.shape[0];
    // The epoch's permutation, drawn on the CPU (a seed gives the same order on any device), moved beside
    // the data; with a held-out part, the members' permutation mapped to their training-set indices.
    const device = this.data.train.images.device;
    const order = scope(() => {
      const drawn = epochOrder(n, c.seed, s.epoch);
      const here = drawn.device === device ? drawn : drawn.to(device);
      return fit ? fit.idx.indexSelect(0, here) : here;
    });
    const ranges = batchRanges(n, c.batchSize, c.dropLast);
    const losses: number[] = [];
    this.model.train();
    try {
      for (const [start, end] of ranges) {
        if (c.maxSteps !== null && s.step >= c.maxSteps) break;
        this.optimizer.lr = learningRate(c.lr, c.schedule, s.examplesSeen, s.epoch);
        const loss = scope(() => this.step(order.slice(0, start, end)));
        s.step++;
        s.examplesSeen += end - start;
        losses.push(loss);
        onStep?.(s.step, loss);
        if (!Number.isFinite(loss) || loss > c.divergenceLoss) {
          s.diverged = `training loss ${loss} at step ${s.step} (epoch ${s.epoch + 1}) is ${Number.isFinite(loss) ? `above ${c.divergenceLoss}` : 'not finite'}`;
          break;
        }
      }
    } finally {
      order.dispose();
    }
    const { record, trainCorrect, trainLabelProb } = this.finishEpoch(losses, t0);
    return { record, losses: Float32Array.from(losses), trainCorrect, trainLabelProb };
  }

  private step(idx: Tensor): number {
    let x = this.data.train.images.indexSelect(0, idx);
    const y = this.data.train.labels.indexSelect(0, idx);
    if (this.augment) x = augmentBatch(x, this.augment, this.generator);
    this.optimizer.zeroGrad();
    // bf16: the forward pass and the loss under autocast, the backward pass outside it (as PyTorch's AMP)
    const loss = autocast(this.precision, () => F.crossEntropy(this.model.forward(x), y));
    loss.backward();
    const value = loss.item();
    if (Number.isFinite(value)) this.optimizer.step();
    return value;
  }

  private finishEpoch(
    losses: number[],
    t0: number,
  ): { record: EpochRecord; trainCorrect: Uint8Array | null; trainLabelProb: Float32Array | null } {
    const s = this.state;
    const c = this.config;
    s.epoch++;
    const tr: Evaluation = s.diverged ? { loss: NaN, acc: NaN } : this.evaluateTrain();
    const te = s.diverged
      ? { loss: NaN, acc: NaN }
      : evaluate(this.model, this.data.test.images, this.data.test.labels, c.evalBatchSize, {
          precision: this.precision,
        });
    const record: EpochRecord = {
      epoch: s.epoch,
      step: s.step,
      lr: this.optimizer.lr,
      stepLoss: losses.length ? losses.reduce((a, b) => a + b, 0) / losses.length : NaN,
      trainLoss: tr.loss,
      trainAcc: tr.acc,
      testLoss: te.loss,
      testAcc: te.acc,
      seconds: (performance.now() - t0) / 1000,
    };
    s.history.push(record);
    s.wallSeconds += record.seconds;
    if (s.stepsToFit === null && tr.acc >= c.targetTrainAcc) {
      s.stepsToFit = s.step;
      s.epochsToFit = s.epoch;
    }
    if (te.acc > s.bestTestAcc) {
      s.bestTestAcc = te.acc;
      s.bestTestEpoch = s.epoch;
    }
    s.finished = this.done();
    return { record, trainCorrect: tr.correct ?? null, trainLabelProb: tr.labelProb ?? null };
  }

  /**
   * Loss and accuracy on the examples trained on (what "fitted" means), and the bitset of every training
   * example classified correctly, held-out ones included (memorization scores need both). With held-out
   * examples, also every example's probability of its label (the memorization report's baseline); without,
   * none: at 2 bytes an example, the record is 16 times the bitset, too much for every epoch of every run.
   */
  private evaluateTrain(): Evaluation {
    const bs = this.config.evalBatchSize;
    const { train } = this.data;
    if (!this.split)
      return evaluate(this.model, train.images, train.labels, bs, {
        perExample: true,
        precision: this.precision,
      });
    const n = train.images.shape[0];
    const bits = new Uint8Array(Math.ceil(n / 8));
    const probs = new Float32Array(n);
    let fitted: Evaluation = { loss: NaN, acc: NaN };
    for (const p of [this.split.fit, this.split.heldOut]) {
      const e = evaluate(this.model, p.images, p.labels, bs, {
        perExample: true,
        labelProb: true,
        precision: this.precision,
      });
      if (p === this.split.fit) fitted = e;
      p.at.forEach((i, k) => {
        if (e.correct && bitAt(e.correct, k)) bits[i >> 3] |= 1 << (i & 7);
        probs[i] = e.labelProb?.[k] ?? NaN;
      });
    }
    return { loss: fitted.loss, acc: fitted.acc, correct: bits, labelProb: probs };
  }

  dispose(): void {
    this.optimizer.dispose();
    for (const p of this.split ? [this.split.fit, this.split.heldOut] : [])
      for (const t of [p.idx, p.images, p.labels]) t.dispose();
  }
}

/** The generator for augmentation and dropout, independent of initialization and shuffling. */
export function trainGenerator(seed: number): Generator {
  return new Generator(deriveSeed(seed, 'augment-dropout'));
}
