// Augmentation: names, crops are windows of the padded image, flips, colour ops keep what they should, seeded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, InputError, arange, liveTensors, rand, scope } from '../engine/index.js';
import { AUGMENTATIONS, NO_AUGMENTATION, augmentBatch, augmentSpec } from './augment.js';

const close = (a: number, b: number, tol = 1e-4): boolean => Math.abs(a - b) <= tol * (1 + Math.abs(b));

test('augmentSpec switches on the named augmentations with documented defaults', () => {
  assert.deepEqual(augmentSpec([]), NO_AUGMENTATION);
  const all = augmentSpec(AUGMENTATIONS);
  assert.deepEqual(all, {
    crop: true,
    cropPadding: 2,
    cropSize: null,
    flip: true,
    brightness: 63 / 255,
    contrast: [0.2, 1.8],
    saturation: [0.5, 1.5],
    hue: 0.2,
  });
  assert.equal(augmentSpec(['flip']).crop, false);
  assert.throws(() => augmentSpec(['flp']), {
    message:
      'augment: unknown augmentation "flp"; expected one of crop, flip, brightness, contrast, saturation, hue; did you mean "flip"?',
  });
});

test('random crop: every output is a window of the zero-padded image; cropSize takes 28 from 32', () => {
  const before = liveTensors();
  scope(() => {
    // image values are 1 + y·10 + x, so a window's top-left value gives its offset
    const x = arange(0, 36, 1, { dtype: 'float32' })
      .reshape(1, 1, 6, 6)
      .add(1)
      .expand(64, 2, 6, 6)
      .contiguous();
    const y = augmentBatch(x, { ...NO_AUGMENTATION, crop: true, cropPadding: 2 }, new Generator(1));
    assert.deepEqual(y.shape, [64, 2, 6, 6]);
    const v = y.toArray();
    const offsets = new Set<string>();
    for (let n = 0; n < 64; n++) {
      // find the offset (dy, dx) in −2..2 that explains the image
      const img = v.slice(n * 72, n * 72 + 36);
      let found = '';
      for (let dy = -2; dy <= 2 && !found; dy++) {
        for (let dx = -2; dx <= 2 && !found; dx++) {
          const ok = img.every((val, i) => {
            const [r, c] = [Math.floor(i / 6) + dy, (i % 6) + dx];
            return val === (r >= 0 && r < 6 && c >= 0 && c < 6 ? 1 + r * 6 + c : 0);
          });
          if (ok) found = `${dy},${dx}`;
        }
      }
      assert.ok(found, `image ${n} is not a window of the padded image`);
      assert.deepEqual(v.slice(n * 72 + 36, n * 72 + 72), img, 'channels move together');
      offsets.add(found);
    }
    assert.ok(offsets.size > 10, `only ${offsets.size} distinct offsets`);
    const big = rand([4, 3, 32, 32]);
    assert.deepEqual(
      augmentBatch(big, { ...NO_AUGMENTATION, crop: true, cropSize: 28 }, new Generator(2)).shape,
      [4, 3, 28, 28],
    );
  });
  assert.equal(liveTensors(), before);
});

test('flip mirrors about half the images; the same generator seed gives the same batch', () => {
  const before = liveTensors();
  scope(() => {
    const x = rand([200, 1, 4, 4], { generator: new Generator(5) });
    const spec = augmentSpec(['flip', 'crop', 'brightness', 'contrast']);
    assert.ok(augmentBatch(x, spec, new Generator(9)).allclose(augmentBatch(x, spec, new Generator(9))));
    const y = augmentBatch(x, augmentSpec(['flip']), new Generator(3));
    const flipped = y.eq(x.flip(3)).flatten(1).to('float32').mean(1).eq(1).to('float32').sum().item();
    assert.ok(flipped > 70 && flipped < 130, `flipped ${flipped} of 200`);
    assert.equal(augmentBatch(x, NO_AUGMENTATION, new Generator(1)).sub(x).abs().max().item(), 0);
  });
  assert.equal(liveTensors(), before);
});

test('brightness shifts each image by one constant; contrast keeps channel means; grey images keep hue and saturation', () => {
  const before = liveTensors();
  scope(() => {
    const x = rand([50, 3, 5, 5], { generator: new Generator(2) });
    const b = augmentBatch(x, augmentSpec(['brightness']), new Generator(4))
      .sub(x)
      .flatten(1);
    const spread = b.maxDim(1).values.sub(b.minDim(1).values).abs().max().item();
    assert.ok(spread < 1e-5);
    assert.ok(b.abs().max().item() <= 63 / 255 + 1e-6);
    const c = augmentBatch(x, augmentSpec(['contrast']), new Generator(4));
    assert.ok(c.mean([2, 3]).allclose(x.mean([2, 3]), 1e-4, 1e-5));
    const grey = x.narrow(1, 0, 1).expand(50, 3, 5, 5).contiguous();
    const g = augmentBatch(grey, augmentSpec(['saturation', 'hue']), new Generator(4));
    assert.ok(g.allclose(grey, 1e-3, 1e-3), 'grey stays grey');
    const h = augmentBatch(x, augmentSpec(['hue']), new Generator(4));
    const lum = (t: typeof x): number[] =>
      t
        .narrow(1, 0, 1)
        .mul(0.299)
        .add(t.narrow(1, 1, 1).mul(0.587))
        .add(t.narrow(1, 2, 1).mul(0.114))
        .flatten()
        .toArray();
    const [l0, l1] = [lum(x), lum(h)];
    assert.ok(
      l0.every((v, i) => close(v, l1[i], 1e-2)),
      'hue rotation keeps luma',
    );
    assert.ok(h.sub(x).abs().max().item() > 1e-3, 'hue changes colours');
    const mono = rand([3, 1, 5, 5]);
    assert.ok(augmentBatch(mono, augmentSpec(['saturation', 'hue']), new Generator(1)).allclose(mono));
    assert.throws(() => augmentBatch(mono, { ...NO_AUGMENTATION, hue: 0.9 }, new Generator(1)), InputError);
  });
  assert.equal(liveTensors(), before);
});
