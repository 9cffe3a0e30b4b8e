"""What a network's activations and gradients look like on a batch: the measurements behind the
chapters on vanishing gradients, saturation, sparsity and dead ReLUs.

    norms = nl.gradient_norms(net, X, y, "bce_with_logits")
    norms.weights   # ‖dL/dW‖ per layer, layer 1 = the input side
    norms.inputs    # ‖dL/dx‖ for each layer's input x (x of layer 1 is X itself)
    nl.dead_unit_fraction(net, X), nl.zero_fraction(net, X), nl.saturated_fraction(net, X, 3.0)
"""

from dataclasses import dataclass

import numpy as np

from ..losses import get_loss


@dataclass
class GradientNorms:
    weights: np.ndarray  # ‖dL/dW_l‖ for l = 1 .. L
    inputs: np.ndarray  # ‖dL/dx_l‖ for the input x_l of layer l; x_1 = X, x_{l+1} = layer l's output

    @property
    def first_to_last(self):
        """‖dL/dW_1‖ / ‖dL/dW_L‖: below 1 the gradient shrinks on its way back, above 1 it grows."""
        return float(self.weights[0] / self.weights[-1])


def gradient_norms(net, X, y, loss):
    """One forward and one backward pass of `loss` on (X, y); the per-layer gradient norms."""
    loss = get_loss(loss)
    input_grads = []  # dL/d(input of each layer), the last layer's first
    net.backward(loss.grad(net.forward(X), y), trace=input_grads)
    inputs = np.array([np.linalg.norm(grad) for grad in reversed(input_grads)])
    weights = np.array([np.linalg.norm(layer.dW) for layer in net.layers])
    return GradientNorms(weights=weights, inputs=inputs)


def _hidden_layers(net, X):
    net.forward(X)
    return net.layers[:-1]


def zero_fraction(net, X):
    """Fraction of hidden activations (units × examples) that are exactly 0.0 on X: ReLU's sparsity."""
    values = [layer.activation(layer.z) == 0 for layer in _hidden_layers(net, X)]
    return float(np.mean(np.concatenate([v.ravel() for v in values])))


def dead_unit_fraction(net, X):
    """Fraction of hidden units whose derivative is 0 on every example of X: they get no gradient."""
    dead = [np.all(layer.activation.grad(layer.z) == 0, axis=0) for layer in _hidden_layers(net, X)]
    return float(np.mean(np.concatenate(dead)))


def saturated_fraction(net, X, threshold=3.0):
    """Fraction of hidden pre-activations with |z| > threshold (for tanh, |z| > 3 means f'(z) < 0.01)."""
    values = [np.abs(layer.z) > threshold for layer in _hidden_layers(net, X)]
    return float(np.mean(np.concatenate([v.ravel() for v in values])))
