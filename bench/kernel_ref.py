# The reference side of `genlab bench kernel`: the same Gaussian-kernel interpolation with NumPy/SciPy (cho_factor / cho_solve).
# Usage: kernel_ref.py SPEC.json  (data_dir, train_indices or null, n, gamma, dtype, threads); prints one JSON line.
import gzip, json, os, sys, time

spec = json.load(open(sys.argv[1]))
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(spec["threads"])
import numpy as np  # noqa: E402  (after the thread settings)
import scipy.linalg  # noqa: E402


def idx_images(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    n, h, w = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, h * w)


def idx_labels(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    return np.frombuffer(raw, dtype=np.uint8, offset=8).astype(np.int64)


d = spec["data_dir"]
dtype = np.float32 if spec["dtype"] == "float32" else np.float64
x = idx_images(os.path.join(d, "train-images-idx3-ubyte.gz"))
y = idx_labels(os.path.join(d, "train-labels-idx1-ubyte.gz"))
if spec["train_indices"] is not None:
    x, y = x[spec["train_indices"]], y[spec["train_indices"]]
xt = idx_images(os.path.join(d, "t10k-images-idx3-ubyte.gz")).astype(dtype) / dtype(255)
yt = idx_labels(os.path.join(d, "t10k-labels-idx1-ubyte.gz"))
x = x.astype(dtype) / dtype(255)
gamma = dtype(spec["gamma"])


def gauss(a, b):
    sq = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2 * a @ b.T
    return np.exp(-gamma * np.maximum(sq, 0))


t0 = time.perf_counter()
K = gauss(x, x)
Y = np.eye(10, dtype=dtype)[y]
c = scipy.linalg.cho_factor(K, lower=False, overwrite_a=True, check_finite=False)
alpha = scipy.linalg.cho_solve(c, Y, check_finite=False)
seconds = time.perf_counter() - t0
del K, c
pred = np.concatenate([gauss(xt[s:s + 2000], x) @ alpha for s in range(0, len(xt), 2000)])
print(json.dumps({"seconds": seconds, "testError": float((pred.argmax(1) != yt).mean()), "numpy": np.__version__, "scipy": scipy.__version__}))
