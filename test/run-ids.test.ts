// Run ids are content addresses: a refactor of the config code must not move any existing run (every preset at
// every scale, and `genlab fit` from flags). The ids below were computed before the config schema existed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadPreset, planPreset, type ScaleName } from '../src/experiments/preset.js';
import { runId } from '../src/experiments/config.js';
import { parseArgs } from '../src/cli/args.js';
import { fitCommand } from '../src/cli/fit.js';
import { fitConfigFromFlags } from '../src/cli/fit-flags.js';
import { demoConfig, FIG1A_VARIANTS } from '../src/cli/demo.js';

const PRESET_IDS: Record<string, string[]> = {
  'early-stopping smoke': [
    'mlp-1x64_fashion-mnist-64_labels-true_inputs-true_wd0.0005_6ddb3b8753',
    'mlp-1x64_fashion-mnist-64_labels-true_inputs-true_3e7405d262',
    'mlp-1x64_fashion-mnist-64_labels-random_inputs-true_c8cee480d7',
  ],
  'early-stopping cpu': [
    'alexnet-small_fashion-mnist-1000_labels-true_inputs-true_wd0.0005_aug-crop_68ba0a31e6',
    'alexnet-small_fashion-mnist-1000_labels-true_inputs-true_aug-crop_110fd79986',
    'alexnet-small_fashion-mnist-1000_labels-true_inputs-true_wd0.0005_6f5fa7e08c',
    'alexnet-small_fashion-mnist-1000_labels-true_inputs-true_2c80b5c2b6',
    'alexnet-small_fashion-mnist-1000_labels-random_inputs-true_bf3116f062',
    'mlp-3x512_fashion-mnist-1000_labels-true_inputs-true_wd0.0005_446e87cc02',
    'mlp-3x512_fashion-mnist-1000_labels-true_inputs-true_24c110ef81',
    'mlp-3x512_fashion-mnist-1000_labels-random_inputs-true_2fa11a3aeb',
    'mlp-1x512_fashion-mnist-1000_labels-true_inputs-true_wd0.0005_f8b151583a',
    'mlp-1x512_fashion-mnist-1000_labels-true_inputs-true_4cc6dc5ebc',
    'mlp-1x512_fashion-mnist-1000_labels-random_inputs-true_36cb40e860',
  ],
  'early-stopping paper': [
    'inception-small_cifar10_labels-true_inputs-true_wd0.0005_aug-crop_459eb115c3',
    'inception-small_cifar10_labels-true_inputs-true_aug-crop_6f3b0ccab0',
    'inception-small_cifar10_labels-true_inputs-true_wd0.0005_9eb598c298',
    'inception-small_cifar10_labels-true_inputs-true_e30fa120ba',
    'inception-small_cifar10_labels-random_inputs-true_718ae4372e',
    'inception-small-nobn_cifar10_labels-true_inputs-true_wd0.0005_f2f6e856c6',
    'inception-small-nobn_cifar10_labels-true_inputs-true_bbbeb6cebc',
    'inception-small-nobn_cifar10_labels-random_inputs-true_e268e392a1',
    'alexnet-small_cifar10_labels-true_inputs-true_wd0.0005_aug-crop_c1b276af93',
    'alexnet-small_cifar10_labels-true_inputs-true_aug-crop_44cb78ed55',
    'alexnet-small_cifar10_labels-true_inputs-true_wd0.0005_93294f9266',
    'alexnet-small_cifar10_labels-true_inputs-true_3f04538909',
    'alexnet-small_cifar10_labels-random_inputs-true_7fa259e996',
    'mlp-3x512_cifar10_labels-true_inputs-true_wd0.0005_aa4d00d1b1',
    'mlp-3x512_cifar10_labels-true_inputs-true_45305b4cc5',
    'mlp-3x512_cifar10_labels-random_inputs-true_e19d033588',
    'mlp-1x512_cifar10_labels-true_inputs-true_wd0.0005_ebbce0bbfc',
    'mlp-1x512_cifar10_labels-true_inputs-true_73ec9c11aa',
    'mlp-1x512_cifar10_labels-random_inputs-true_cd6cb6288a',
  ],
  'fig1a smoke': [
    'mlp-1x64_fashion-mnist-64_labels-true_inputs-true_3e7405d262',
    'mlp-1x64_fashion-mnist-64_labels-random_inputs-true_c8cee480d7',
    'mlp-1x64_fashion-mnist-64_labels-true_inputs-shuffled-pixels_59223ad23f',
    'mlp-1x64_fashion-mnist-64_labels-true_inputs-random-pixels_1e3c4d26ad',
    'mlp-1x64_fashion-mnist-64_labels-true_inputs-gaussian_5fd381934d',
  ],
  'fig1a cpu': [
    'mlp-1x512_fashion-mnist-2000_labels-true_inputs-true_ed09c1572c',
    'mlp-1x512_fashion-mnist-2000_labels-random_inputs-true_9f2b25b1ee',
    'mlp-1x512_fashion-mnist-2000_labels-true_inputs-shuffled-pixels_9a6aa1c518',
    'mlp-1x512_fashion-mnist-2000_labels-true_inputs-random-pixels_493604673c',
    'mlp-1x512_fashion-mnist-2000_labels-true_inputs-gaussian_7920e13953',
  ],
  'fig1a paper': [
    'inception-small_cifar10_labels-true_inputs-true_e30fa120ba',
    'inception-small_cifar10_labels-random_inputs-true_718ae4372e',
    'inception-small_cifar10_labels-true_inputs-shuffled-pixels_f98101747b',
    'inception-small_cifar10_labels-true_inputs-random-pixels_d45258f2c2',
    'inception-small_cifar10_labels-true_inputs-gaussian_4c96f2659e',
  ],
  'fig1b smoke': [
    'mlp-1x64_fashion-mnist-64_labels-true_inputs-true_b156476eb3',
    'mlp-1x64_fashion-mnist-64_labels-corrupted-0.5_inputs-true_9471566e2e',
    'mlp-1x64_fashion-mnist-64_labels-random_inputs-true_33efbc93ab',
  ],
  'fig1b cpu': [
    'mlp-1x512_fashion-mnist-1000_labels-true_inputs-true_4cc6dc5ebc',
    'mlp-1x512_fashion-mnist-1000_labels-corrupted-0.2_inputs-true_79ce537235',
    'mlp-1x512_fashion-mnist-1000_labels-corrupted-0.4_inputs-true_05b3f16896',
    'mlp-1x512_fashion-mnist-1000_labels-corrupted-0.6_inputs-true_28bf7088f2',
    'mlp-1x512_fashion-mnist-1000_labels-corrupted-0.8_inputs-true_2c2ffc0648',
    'mlp-1x512_fashion-mnist-1000_labels-random_inputs-true_36cb40e860',
    'alexnet-small_fashion-mnist-1000_labels-true_inputs-true_2c80b5c2b6',
    'alexnet-small_fashion-mnist-1000_labels-corrupted-0.2_inputs-true_29c493f85f',
    'alexnet-small_fashion-mnist-1000_labels-corrupted-0.4_inputs-true_8149cb82da',
    'alexnet-small_fashion-mnist-1000_labels-corrupted-0.6_inputs-true_0404b8c1f0',
    'alexnet-small_fashion-mnist-1000_labels-corrupted-0.8_inputs-true_d22da381ff',
    'alexnet-small_fashion-mnist-1000_labels-random_inputs-true_bf3116f062',
  ],
  'fig1b paper': [
    'inception-small_cifar10_labels-true_inputs-true_e30fa120ba',
    'inception-small_cifar10_labels-corrupted-0.2_inputs-true_7ba0af3afa',
    'inception-small_cifar10_labels-corrupted-0.4_inputs-true_f701fcd282',
    'inception-small_cifar10_labels-corrupted-0.6_inputs-true_cd1d32c0dc',
    'inception-small_cifar10_labels-corrupted-0.8_inputs-true_ba2845e6c8',
    'inception-small_cifar10_labels-random_inputs-true_718ae4372e',
    'alexnet-small_cifar10_labels-true_inputs-true_3f04538909',
    'alexnet-small_cifar10_labels-corrupted-0.2_inputs-true_cee1a6623a',
    'alexnet-small_cifar10_labels-corrupted-0.4_inputs-true_04a0138ae0',
    'alexnet-small_cifar10_labels-corrupted-0.6_inputs-true_10d178e78c',
    'alexnet-small_cifar10_labels-corrupted-0.8_inputs-true_5ccc42b1e9',
    'alexnet-small_cifar10_labels-random_inputs-true_7fa259e996',
    'mlp-1x512_cifar10_labels-true_inputs-true_73ec9c11aa',
    'mlp-1x512_cifar10_labels-corrupted-0.2_inputs-true_e6c3fb1fef',
    'mlp-1x512_cifar10_labels-corrupted-0.4_inputs-true_b18f1542df',
    'mlp-1x512_cifar10_labels-corrupted-0.6_inputs-true_f3636c3c8d',
    'mlp-1x512_cifar10_labels-corrupted-0.8_inputs-true_4d8d4374bb',
    'mlp-1x512_cifar10_labels-random_inputs-true_cd6cb6288a',
  ],
  'fig1c smoke': [
    'mlp-1x64_fashion-mnist-64_labels-true_inputs-true_b156476eb3',
    'mlp-1x64_fashion-mnist-64_labels-corrupted-0.5_inputs-true_9471566e2e',
    'mlp-1x64_fashion-mnist-64_labels-random_inputs-true_33efbc93ab',
  ],
  'fig1c cpu': [
    'mlp-1x512_fashion-mnist-1000_labels-true_inputs-true_4cc6dc5ebc',
    'mlp-1x512_fashion-mnist-1000_labels-corrupted-0.2_inputs-true_79ce537235',
    'mlp-1x512_fashion-mnist-1000_labels-corrupted-0.4_inputs-true_05b3f16896',
    'mlp-1x512_fashion-mnist-1000_labels-corrupted-0.6_inputs-true_28bf7088f2',
    'mlp-1x512_fashion-mnist-1000_labels-corrupted-0.8_inputs-true_2c2ffc0648',
    'mlp-1x512_fashion-mnist-1000_labels-random_inputs-true_36cb40e860',
    'alexnet-small_fashion-mnist-1000_labels-true_inputs-true_2c80b5c2b6',
    'alexnet-small_fashion-mnist-1000_labels-corrupted-0.2_inputs-true_29c493f85f',
    'alexnet-small_fashion-mnist-1000_labels-corrupted-0.4_inputs-true_8149cb82da',
    'alexnet-small_fashion-mnist-1000_labels-corrupted-0.6_inputs-true_0404b8c1f0',
    'alexnet-small_fashion-mnist-1000_labels-corrupted-0.8_inputs-true_d22da381ff',
    'alexnet-small_fashion-mnist-1000_labels-random_inputs-true_bf3116f062',
  ],
  'fig1c paper': [
    'inception-small_cifar10_labels-true_inputs-true_e30fa120ba',
    'inception-small_cifar10_labels-corrupted-0.2_inputs-true_7ba0af3afa',
    'inception-small_cifar10_labels-corrupted-0.4_inputs-true_f701fcd282',
    'inception-small_cifar10_labels-corrupted-0.6_inputs-true_cd1d32c0dc',
    'inception-small_cifar10_labels-corrupted-0.8_inputs-true_ba2845e6c8',
    'inception-small_cifar10_labels-random_inputs-true_718ae4372e',
    'alexnet-small_cifar10_labels-true_inputs-true_3f04538909',
    'alexnet-small_cifar10_labels-corrupted-0.2_inputs-true_cee1a6623a',
    'alexnet-small_cifar10_labels-corrupted-0.4_inputs-true_04a0138ae0',
    'alexnet-small_cifar10_labels-corrupted-0.6_inputs-true_10d178e78c',
    'alexnet-small_cifar10_labels-corrupted-0.8_inputs-true_5ccc42b1e9',
    'alexnet-small_cifar10_labels-random_inputs-true_7fa259e996',
    'mlp-1x512_cifar10_labels-true_inputs-true_73ec9c11aa',
    'mlp-1x512_cifar10_labels-corrupted-0.2_inputs-true_e6c3fb1fef',
    'mlp-1x512_cifar10_labels-corrupted-0.4_inputs-true_b18f1542df',
    'mlp-1x512_cifar10_labels-corrupted-0.6_inputs-true_f3636c3c8d',
    'mlp-1x512_cifar10_labels-corrupted-0.8_inputs-true_4d8d4374bb',
    'mlp-1x512_cifar10_labels-random_inputs-true_cd6cb6288a',
  ],
  'fig2b smoke': [
    'inception-small_fashion-mnist-32_labels-true_inputs-true_41752f4d5b',
    'inception-small-nobn_fashion-mnist-32_labels-true_inputs-true_f17c8e476e',
  ],
  'fig2b cpu': [
    'inception-small_fashion-mnist-1000_labels-true_inputs-true_9b52d19d19',
    'inception-small-nobn_fashion-mnist-1000_labels-true_inputs-true_08b58ae55a',
  ],
  'fig2b paper': [
    'inception-small_cifar10_labels-true_inputs-true_5993f2aa52',
    'inception-small-nobn_cifar10_labels-true_inputs-true_25479ca808',
  ],
  'table-random-regularized smoke': [
    'mlp-1x64_fashion-mnist-64_labels-random_inputs-true_wd0.0005_26a4088c19',
  ],
  'table-random-regularized cpu': [
    'alexnet-small_fashion-mnist-1000_labels-random_inputs-true_wd0.0005_9bb74e667e',
    'mlp-3x512_fashion-mnist-1000_labels-random_inputs-true_wd0.0005_55a0ca2c45',
    'mlp-1x512_fashion-mnist-1000_labels-random_inputs-true_wd0.0005_f390f2d1af',
  ],
  'table-random-regularized paper': [
    'inception-small_cifar10_labels-random_inputs-true_wd0.0005_5c609a5dcf',
    'inception-small_cifar10_labels-random_inputs-true_aug-crop_d229de8aa8',
    'inception-small_cifar10_labels-random_inputs-true_aug-crop-flip-brightness-contrast-saturation-hue_a92453714d',
    'alexnet-small_cifar10_labels-random_inputs-true_wd0.0005_5dc8a3d2f4',
    'mlp-3x512_cifar10_labels-random_inputs-true_wd0.0005_959f3ac3a1',
    'mlp-1x512_cifar10_labels-random_inputs-true_wd0.0005_dc20dae81c',
  ],
  'table1 smoke': [
    'mlp-1x64_fashion-mnist-64_labels-true_inputs-true_wd0.0005_6ddb3b8753',
    'mlp-1x64_fashion-mnist-64_labels-true_inputs-true_3e7405d262',
    'mlp-1x64_fashion-mnist-64_labels-random_inputs-true_c8cee480d7',
  ],
  'table1 cpu': [
    'alexnet-small_fashion-mnist-1000_labels-true_inputs-true_wd0.0005_aug-crop_68ba0a31e6',
    'alexnet-small_fashion-mnist-1000_labels-true_inputs-true_aug-crop_110fd79986',
    'alexnet-small_fashion-mnist-1000_labels-true_inputs-true_wd0.0005_6f5fa7e08c',
    'alexnet-small_fashion-mnist-1000_labels-true_inputs-true_2c80b5c2b6',
    'alexnet-small_fashion-mnist-1000_labels-random_inputs-true_bf3116f062',
    'mlp-3x512_fashion-mnist-1000_labels-true_inputs-true_wd0.0005_446e87cc02',
    'mlp-3x512_fashion-mnist-1000_labels-true_inputs-true_24c110ef81',
    'mlp-3x512_fashion-mnist-1000_labels-random_inputs-true_2fa11a3aeb',
    'mlp-1x512_fashion-mnist-1000_labels-true_inputs-true_wd0.0005_f8b151583a',
    'mlp-1x512_fashion-mnist-1000_labels-true_inputs-true_4cc6dc5ebc',
    'mlp-1x512_fashion-mnist-1000_labels-random_inputs-true_36cb40e860',
  ],
  'table1 paper': [
    'inception-small_cifar10_labels-true_inputs-true_wd0.0005_aug-crop_459eb115c3',
    'inception-small_cifar10_labels-true_inputs-true_aug-crop_6f3b0ccab0',
    'inception-small_cifar10_labels-true_inputs-true_wd0.0005_9eb598c298',
    'inception-small_cifar10_labels-true_inputs-true_e30fa120ba',
    'inception-small_cifar10_labels-random_inputs-true_718ae4372e',
    'inception-small-nobn_cifar10_labels-true_inputs-true_wd0.0005_f2f6e856c6',
    'inception-small-nobn_cifar10_labels-true_inputs-true_bbbeb6cebc',
    'inception-small-nobn_cifar10_labels-random_inputs-true_e268e392a1',
    'alexnet-small_cifar10_labels-true_inputs-true_wd0.0005_aug-crop_c1b276af93',
    'alexnet-small_cifar10_labels-true_inputs-true_aug-crop_44cb78ed55',
    'alexnet-small_cifar10_labels-true_inputs-true_wd0.0005_93294f9266',
    'alexnet-small_cifar10_labels-true_inputs-true_3f04538909',
    'alexnet-small_cifar10_labels-random_inputs-true_7fa259e996',
    'mlp-3x512_cifar10_labels-true_inputs-true_wd0.0005_aa4d00d1b1',
    'mlp-3x512_cifar10_labels-true_inputs-true_45305b4cc5',
    'mlp-3x512_cifar10_labels-random_inputs-true_e19d033588',
    'mlp-1x512_cifar10_labels-true_inputs-true_wd0.0005_ebbce0bbfc',
    'mlp-1x512_cifar10_labels-true_inputs-true_73ec9c11aa',
    'mlp-1x512_cifar10_labels-random_inputs-true_cd6cb6288a',
  ],
};

const FIT_IDS: [string, string][] = [
  ['', 'mlp-1x512_fashion-mnist_labels-true_inputs-true_349ea85aaa'],
  ['--labels random --train-size 2000', 'mlp-1x512_fashion-mnist-2000_labels-random_inputs-true_9ef01b18b0'],
  [
    '--labels corrupted:0.4 --train-size 5000 --lr 0.05',
    'mlp-1x512_fashion-mnist-5000_labels-corrupted-0.4_inputs-true_864f17cc56',
  ],
  [
    '--inputs random-pixels --model alexnet-small --train-size 2000 --augment crop,flip',
    'alexnet-small_fashion-mnist-2000_labels-true_inputs-random-pixels_aug-crop-flip_af0b8ee8ea',
  ],
  [
    '--model inception-small --weight-decay 0.0005 --dropout 0.5 --lr-decay 1 --epochs 30 --momentum 0.5 --init he-normal',
    'inception-small_fashion-mnist_labels-true_inputs-true_wd0.0005_f21c4d0229',
  ],
  [
    '--dataset mnist --data-dir /x --test-size 100 --stratified --corrupt-test --inputs gaussian --gaussian-stats global --randomization-seed 3 --seed 7 --batch-size 64 --target-acc 0.9 --no-stop-at-fit --max-steps 100 --lr-decay-every 1000 --bn-params affine --corruption wrong-class --labels corrupted:0.2 --init pytorch',
    'mlp-1x512_mnist_labels-corrupted-0.2_inputs-gaussian_8b0da3bbec',
  ],
];

test('every preset plans the run ids it planned before the config schema', () => {
  for (const [key, ids] of Object.entries(PRESET_IDS)) {
    const [name, scale] = key.split(' ');
    assert.deepEqual(
      planPreset(loadPreset(name), scale as ScaleName).map((r) => r.id),
      ids,
      key,
    );
  }
});

test('genlab fit flags make the run ids they made before the config schema', () => {
  for (const [argv, id] of FIT_IDS) {
    const args = parseArgs(argv === '' ? [] : argv.split(' '), fitCommand.flags, 'fit');
    assert.equal(runId(fitConfigFromFlags(args)), id, argv);
  }
});

test('the demo makes fig1a cpu runs, and its flags the ids they made before', () => {
  const ids = FIG1A_VARIANTS.map((v) =>
    runId(demoConfig('mlp-1x512', 'fashion-mnist', null, 2000, 2000, v, 300)),
  );
  assert.deepEqual(ids, PRESET_IDS['fig1a cpu']);
  const small = FIG1A_VARIANTS.map((v) =>
    runId(demoConfig('mlp-1x256', 'mnist', '/data/mnist', 200, 100, v, 40)),
  );
  assert.deepEqual(small, [
    'mlp-1x256_mnist-200_labels-true_inputs-true_5be437a1a1',
    'mlp-1x256_mnist-200_labels-random_inputs-true_93e2c91c30',
    'mlp-1x256_mnist-200_labels-true_inputs-shuffled-pixels_a486a9cef0',
    'mlp-1x256_mnist-200_labels-true_inputs-random-pixels_8e1e84f7fb',
    'mlp-1x256_mnist-200_labels-true_inputs-gaussian_f1880a382d',
  ]);
});
