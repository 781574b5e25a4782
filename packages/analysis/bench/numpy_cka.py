# Linear CKA in NumPy (float64), the reference both CKA benchmarks time Basin against.
# usage: python3 numpy_cka.py X.npy Y.npy feature|gram  → one JSON line {ms, cka, numpy}
import json, sys, time
import numpy as np
x = np.load(sys.argv[1]); y = np.load(sys.argv[2]); form = sys.argv[3]
best = None
for _ in range(2):
    t = time.perf_counter()
    a = x.astype(np.float64); a -= a.mean(0)
    b = y.astype(np.float64); b -= b.mean(0)
    if form == 'feature':
        cka = np.linalg.norm(a.T @ b) ** 2 / (np.linalg.norm(a.T @ a) * np.linalg.norm(b.T @ b))
    else:
        k = a @ a.T; l = b @ b.T
        cka = (k.ravel() @ l.ravel()) / (np.linalg.norm(k) * np.linalg.norm(l))
    ms = (time.perf_counter() - t) * 1000
    best = ms if best is None else min(best, ms)
print(json.dumps({"ms": best, "cka": float(cka), "numpy": np.__version__}))
