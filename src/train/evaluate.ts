// Loss and accuracy of a model on a whole split, in eval mode, in large no-grad batches.
import { autocast, noGrad, scope, type Precision, type Tensor } from '../engine/index.js';
import { F, type Module } from '../nn/index.js';

export interface Evaluation {
  loss: number; // mean cross-entropy
  acc: number; // fraction correct
  /** With `perExample`: bit i (byte i >> 3, bit i & 7) set when example i is classified correctly. */
  correct?: Uint8Array;
  /** With `labelProb`: each example's predicted probability of its label, softmax(logits)[label] (N). */
  labelProb?: Float32Array;
}

/**
 * images (N, C, H, W), labels (N) int64. Restores the model's train/eval mode afterwards. With
 * `perExample`, also returns which examples are correct (per-example learning dynamics, Arpit et al. 2017);
 * with `labelProb`, the probability each gives its label (held-out self-confidence, as cleanlab scores labels);
 * `precision` bf16 runs the forward passes under CPU autocast, as the run trained.
 */
export function evaluate(
  model: Module,
  images: Tensor,
  labels: Tensor,
  batchSize = 2000,
  o: { perExample?: boolean; labelProb?: boolean; precision?: Precision } = {},
): Evaluation {
  const n = images.shape[0];
  if (n === 0) return { loss: NaN, acc: NaN };
  const bits = o.perExample ? new Uint8Array(Math.ceil(n / 8)) : undefined;
  const probs = o.labelProb ? new Float32Array(n) : undefined;
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  let correct = 0;
  try {
    noGrad(() => {
      for (let start = 0; start < n; start += batchSize) {
        const len = Math.min(batchSize, n - start);
        scope(() => {
          const x = images.narrow(0, start, len);
          const y = labels.narrow(0, start, len);
          const out = autocast(o.precision ?? 'fp32', () => model.forward(x));
          const logits = out.dtype === 'bfloat16' ? out.to('float32') : out; // the loss in float32, as autocast's
          lossSum += F.crossEntropy(logits, y, 'sum').item();
          const hit = logits.argmax(1).eq(y);
          correct += hit.sum().item();
          if (bits) setBits(bits, start, hit.data());
          // exp(−cross-entropy) is softmax's probability of the label, computed as libtorch's stable log-softmax
          if (probs)
            probs.set(
              F.crossEntropy(logits, y, 'none').neg().exp().to('float32').data() as Float32Array,
              start,
            );
        });
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return {
    loss: lossSum / n,
    acc: correct / n,
    ...(bits ? { correct: bits } : {}),
    ...(probs ? { labelProb: probs } : {}),
  };
}

function setBits(bits: Uint8Array, start: number, hits: ArrayLike<number | bigint>): void {
  for (let i = 0; i < hits.length; i++) if (hits[i]) bits[(start + i) >> 3] |= 1 << ((start + i) & 7);
}

/** Whether example i is set in a bitset made by `evaluate(…, { perExample: true })`. */
export function bitAt(bits: Uint8Array, i: number): boolean {
  return (bits[i >> 3] & (1 << (i & 7))) !== 0;
}
