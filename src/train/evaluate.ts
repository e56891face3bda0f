// Loss and accuracy of a model on a whole split, in eval mode, in large no-grad batches.
import { noGrad, scope, type Tensor } from '../engine/index.js';
import { F, type Module } from '../nn/index.js';

export interface Evaluation {
  loss: number; // mean cross-entropy
  acc: number; // fraction correct
}

/** images (N, C, H, W), labels (N) int64. Restores the model's train/eval mode afterwards. */
export function evaluate(model: Module, images: Tensor, labels: Tensor, batchSize = 2000): Evaluation {
  const n = images.shape[0];
  if (n === 0) return { loss: NaN, acc: NaN };
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
          const logits = model.forward(x);
          lossSum += F.crossEntropy(logits, y, 'sum').item();
          correct += logits.argmax(1).eq(y).sum().item();
        });
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return { loss: lossSum / n, acc: correct / n };
}
