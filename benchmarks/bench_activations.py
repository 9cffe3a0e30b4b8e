"""Time every activation's value and derivative on 10^6 float64 and float32 elements.

Run with `make bench`. Numbers depend on the machine, the NumPy build and the load; compare
them with each other, not with numbers from elsewhere.
"""

import numpy as np

import nonlin as nl

ACTIVATIONS = [nl.identity, nl.relu, nl.leaky_relu, nl.sigmoid, nl.tanh, nl.elu, nl.softplus, nl.silu, nl.gelu]


def main(n=1_000_000):
    rng = np.random.default_rng(0)
    print(f"{'activation':<12} {'dtype':<8} {'value (ms)':>11} {'grad (ms)':>10}")
    for dtype in (np.float64, np.float32):
        x = rng.normal(scale=3, size=n).astype(dtype)
        for activation in ACTIVATIONS:
            value = nl.time_call(activation, x, repeat=5) * 1e3
            grad = nl.time_call(activation.grad, x, repeat=5) * 1e3
            print(f"{activation.name:<12} {np.dtype(dtype).name:<8} {value:>11.2f} {grad:>10.2f}")
    z = rng.normal(size=(1000, 1000))
    print(f"{'softmax':<12} {'float64':<8} {nl.time_call(nl.softmax, z, repeat=5) * 1e3:>11.2f}")


if __name__ == "__main__":
    main()
