// The registry of data sets: names to file layouts, default directories, class names and how to get them.
import path from 'node:path';
import { InputError, unknownName } from '../engine/index.js';
import { readLines, requireFiles } from './files.js';
import { checkLabels, readIdx } from './idx.js';
import { CIFAR10_CLASSES, readCifar, type CifarFormat } from './cifar.js';

/** One split as read from disk: uint8 pixels (count, C, H, W) and uint8 labels. */
export interface RawSplit {
  count: number;
  images: Uint8Array;
  labels: Uint8Array;
  files: string[];
}
export interface RawDataset {
  classes: string[];
  shape: [number, number, number]; // C, H, W on disk
  train: RawSplit;
  test: RawSplit;
}
export interface ReadOptions {
  cifar100Labels?: 'fine' | 'coarse';
}
interface DatasetDef {
  defaultDir: string | null;
  howToGet: string;
  read(dir: string, opts: ReadOptions): RawDataset;
}

const FASHION_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const IDX_FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
];

function readIdxSplit(
  imagesFile: string,
  labelsFile: string,
  classes: number,
): { split: RawSplit; h: number; w: number } {
  const images = readIdx(imagesFile, 3);
  const labels = readIdx(labelsFile, 1);
  const [n, h, w] = images.dims;
  if (labels.dims[0] !== n) {
    throw new InputError(
      `${labelsFile}: holds ${labels.dims[0]} labels but ${imagesFile} holds ${n} images; expected equal counts`,
    );
  }
  checkLabels(labels.data, classes, labelsFile);
  return {
    split: { count: n, images: images.data, labels: labels.data, files: [imagesFile, labelsFile] },
    h,
    w,
  };
}

function idxDataset(classes: string[], howToGet: string, defaultDir: string | null): DatasetDef {
  return {
    defaultDir,
    howToGet,
    read(dir) {
      const [trI, trL, teI, teL] = requireFiles(dir, [], IDX_FILES, howToGet);
      const train = readIdxSplit(trI, trL, classes.length);
      const test = readIdxSplit(teI, teL, classes.length);
      if (train.h !== test.h || train.w !== test.w) {
        throw new InputError(
          `${teI}: images are ${test.h}×${test.w}; expected ${train.h}×${train.w} as in ${trI}`,
        );
      }
      return { classes, shape: [1, train.h, train.w], train: train.split, test: test.split };
    },
  };
}

function cifarSplit(files: string[], f: CifarFormat): RawSplit {
  const r = readCifar(files, f);
  return { count: r.count, images: r.images, labels: r.labels, files };
}

const CIFAR10_FILES = [
  'data_batch_1.bin',
  'data_batch_2.bin',
  'data_batch_3.bin',
  'data_batch_4.bin',
  'data_batch_5.bin',
  'test_batch.bin',
];
const CIFAR_HOW = (v: string, url: string): string =>
  `download the CIFAR-${v} "binary version" (${url}), unpack it and pass --data-dir`;

const cifar10: DatasetDef = {
  defaultDir: null,
  howToGet: CIFAR_HOW('10', 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz'),
  read(dir) {
    const sub = ['cifar-10-batches-bin'];
    const files = requireFiles(dir, sub, CIFAR10_FILES, this.howToGet);
    const f: CifarFormat = { labelBytes: 1, labelIndex: 0, classes: 10, imageBytes: 3072 };
    const classes =
      readLines([dir, ...sub.map((s) => path.join(dir, s))], 'batches.meta.txt') ?? CIFAR10_CLASSES;
    if (classes.length !== 10)
      throw new InputError(`${dir}: batches.meta.txt names ${classes.length} classes; expected 10`);
    return {
      classes,
      shape: [3, 32, 32],
      train: cifarSplit(files.slice(0, 5), f),
      test: cifarSplit(files.slice(5), f),
    };
  },
};

const cifar100: DatasetDef = {
  defaultDir: null,
  howToGet: CIFAR_HOW('100', 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz'),
  read(dir, opts) {
    const sub = ['cifar-100-binary'];
    const [train, test] = requireFiles(dir, sub, ['train.bin', 'test.bin'], this.howToGet);
    const fine = (opts.cifar100Labels ?? 'fine') === 'fine';
    const count = fine ? 100 : 20;
    const f: CifarFormat = { labelBytes: 2, labelIndex: fine ? 1 : 0, classes: count, imageBytes: 3072 };
    const namesFile = fine ? 'fine_label_names.txt' : 'coarse_label_names.txt';
    const names = readLines([dir, ...sub.map((s) => path.join(dir, s))], namesFile);
    if (names !== undefined && names.length !== count)
      throw new InputError(`${dir}: ${namesFile} names ${names.length} classes; expected ${count}`);
    const classes = names ?? Array.from({ length: count }, (_, i) => String(i));
    return { classes, shape: [3, 32, 32], train: cifarSplit([train], f), test: cifarSplit([test], f) };
  },
};

const REGISTRY: Record<string, DatasetDef> = {
  'fashion-mnist': idxDataset(
    FASHION_CLASSES,
    "install Debian's dataset-fashion-mnist (apt install dataset-fashion-mnist) or pass --data-dir",
    '/usr/share/datasets/fashion-mnist',
  ),
  mnist: idxDataset(DIGITS, 'download them from http://yann.lecun.com/exdb/mnist/ and pass --data-dir', null),
  cifar10,
  cifar100,
};

/** What a data set holds before its files are read: the image shape on disk, split sizes and classes (for run-time estimates). */
export interface DatasetLayout {
  shape: [number, number, number]; // C, H, W
  train: number;
  test: number;
  classes: number;
}
const MNIST_LIKE: DatasetLayout = { shape: [1, 28, 28], train: 60000, test: 10000, classes: 10 };
const LAYOUTS: Record<string, DatasetLayout> = {
  'fashion-mnist': MNIST_LIKE,
  mnist: MNIST_LIKE,
  cifar10: { shape: [3, 32, 32], train: 50000, test: 10000, classes: 10 },
  cifar100: { shape: [3, 32, 32], train: 50000, test: 10000, classes: 100 },
};

export function datasetLayout(name: string): DatasetLayout {
  const l = LAYOUTS[name];
  if (l === undefined) throw unknownName('data', 'data set', name, DATASETS);
  return l;
}

/** The data sets genlab knows by name. */
export const DATASETS: readonly string[] = Object.keys(REGISTRY);

/** Reads a data set's files (raw bytes, no tensors). */
export function readDataset(
  name: string,
  dataDir: string | undefined,
  opts: ReadOptions = {},
): { raw: RawDataset; dir: string } {
  const def = REGISTRY[name];
  if (def === undefined) throw unknownName('data', 'data set', name, DATASETS);
  const dir = dataDir ?? def.defaultDir;
  if (dir === null) throw new InputError(`data: ${name} needs --data-dir DIR; ${def.howToGet}`);
  const resolved = path.resolve(dir);
  return { raw: def.read(resolved, opts), dir: resolved };
}
