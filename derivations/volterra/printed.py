r"""Paper 003's formulas *as printed* (the things under test, never evidence).

Each is transcribed from ``003_650c190516f9cbc7.txt`` (talk slides; no equation numbers, so
the slide title is the location); the checks in :mod:`verify.topics.volterra.claims`
compare them with the derivations of :mod:`derivations.volterra.derive`, the exact engines
and the numerical solvers.  Engines and experiments never import this module.
"""

from __future__ import annotations

import sympy as sp

from derivations.volterra.derive import (GAMMA_INT, T2, Delta, Gs, Gt, d, delta, gamma, kappa, kappa_bar,
                                         lam, lam_max, lam_min, n, psi, r, t, trH, zeta)

# --- slide 'Exact Dynamics Idea: Diffusion Approximation' (homogenized SGD):
#     dX = -gamma(t) grad f(X) dt + sqrt((2/n) L(X)) grad^2 L(X) dB.
#     The root covers (2/n) L only, and no gamma(t) multiplies the noise; with grad^2 L = H the
#     noise matrix's eigenvalue on mode i is sqrt(2 L / n) lam_i (L appears as its mean psi).
sde_noise = sp.sqrt(2 * psi / n) * lam

# --- Theorem (C.P.-Lee-E. Paquette-Pedregosa, COLT '21): the Volterra equation
#     psi_t = L(X^gf_{Gamma(t)}) + int_0^t gamma^2(s) r h_2(t, s) psi_s ds,
#     h_2(t, s) = (1/d) sum_i lam_i^2 exp(-2 (Gamma(t) - Gamma(s))(lam_i + delta)), r = d/n.
#     The i-th summand of the noise kernel gamma^2(s) r h_2(t, s) (gamma standing for gamma(s)):
volterra_kernel_term = gamma**2 * (d / n) * lam**2 * sp.exp(-2 * (Gt - Gs) * (lam + delta)) / d
#     the forcing is gradient flow run for the integrated learning rate Gamma(t) = int_0^t gamma:
gradient_flow_time = GAMMA_INT(t)

# --- same theorem: the stepsize condition gamma -> gamma~ < 2 ((1/n) tr(H^2 (H + delta I)^{-1}))^{-1};
#     T2 stands for (1/n) tr(H^2 (H + delta I)^{-1}).
threshold = 2 / T2

# --- slide 'Phase transition & Asymptotics: Fixed Stepsize':
#     gamma_* = 1 / ((r/2) int_0^inf x^2/(x - lam_min) d mu(x)); I stands for the integral.
I_crit = sp.Symbol("I", positive=True)
gamma_star = 1 / (r / 2 * I_crit)
#     gamma < gamma_*: psi(t) - psi(inf) ~ t^{-alpha} exp(-2 gamma t lam_min)  (exponent's rate)
#     gamma > gamma_*: psi(t) - psi(inf) ~ (1/gamma) exp(-2 gamma t lambda^*(gamma))
lam_star = sp.Symbol("lambda_star", positive=True)
rate_subcritical = 2 * gamma * lam_min
rate_supercritical = 2 * gamma * lam_star

# --- slide 'Batching + SGD+M': y_k = Delta y_{k-1} + gamma * zeta sum_{i in B} grad f_i(x_k):
#     the multiplier of gamma sum_B grad f_i as printed.
sgdm_update_multiplier = zeta
# --- Theorem (C.P.-Lee-Cheng-E. Paquette): noise term gamma^2 zeta (1 - zeta) H(t - k) psi(k);
#     the coefficient as printed:
sgdm_noise_coefficient = gamma**2 * zeta * (1 - zeta)
#     the stepsize condition gamma < min{(1 + Delta)/(zeta lam_max(H)), n (1 - Delta)/((1 - zeta) tr H)}
sgdm_bound_lmax = (1 + Delta) / (zeta * lam_max)
sgdm_bound_trace = n * (1 - Delta) / ((1 - zeta) * trH)

# --- Theorem 'Convergence of SGD+M with batches': lim (L(x_t) - L(inf))^{1/t} = max{Lambda, Xi^{-1}}
Lambda_, inv_Xi = sp.symbols("Lambda inv_Xi", positive=True)
sgdm_rate = sp.Max(Lambda_, inv_Xi)

# --- slide 'Large vs Small batch: Convergence':
#     gamma = (1 - sqrt Delta)^2 / (zeta lam_min),
#     Delta = max{(1 - zeta/((1 - zeta) kappa_bar))^2, (1 - 1/sqrt kappa)^2},
#     kappa_bar = ((1/n) tr H)/lam_min, ICR = kappa_bar / sqrt(kappa)
sgdm_gamma_tuned = (1 - sp.sqrt(Delta)) ** 2 / (zeta * lam_min)
sgdm_delta_branches = ((1 - zeta / ((1 - zeta) * kappa_bar)) ** 2, (1 - 1 / sp.sqrt(kappa)) ** 2)
kappa_bar_def = (trH / n) / lam_min
icr = kappa_bar / sp.sqrt(kappa)
# --- slide 'Phase transition': zeta >= ICR: rate O(1/sqrt kappa); zeta < ICR: rate O(zeta/kappa_bar)
rate_large_batch = 1 / sp.sqrt(kappa)
rate_small_batch = zeta / kappa_bar

# --- slide 'Exact Dynamics Idea: Diffusion Approximation' (the drift of homogenized SGD):
#     -gamma(t) grad f(X_t) dt; on one eigen-coordinate v_i of X - x_tilde the rate per unit pass-time:
sde_drift_rate = -gamma * (lam + delta)

# --- slide 'SGD+M vanishing batch size' (homogenized SGD+M):
#     dX_t = -Gamma_1 int_0^t e^{-n theta (t - s)} dZ_t,  dZ = grad f dt + sqrt((2/n) L grad^2 L) dB.
#     The factor in front of Gamma_1 W_t (W_t = int_0^t e^{-n theta (t-s)} dZ_s) in dX/dt as printed: 1.
sgdm_sde_velocity_factor = sp.Integer(1)
# --- slide 'Conclusions': for fixed theta, n large, SGD+M(gamma, theta) = SGD(gamma/theta); the SGD
#     step that SGD+M(gamma, theta) is compared with (also for 'theta ~ 1/n barely faster than SGD'):
theta = sp.Symbol("theta", positive=True)
sgdm_equivalent_step = gamma / theta

# --- Theorem (C.P.-Adlam-E. Paquette-Pennington), expected risk:
#     Omega_t = R(X^gf_{Gamma(t)}) + int_0^t gamma^2(s) K(t, s, grad^2 R) psi_s ds; the printed prefactor
#     of the (unprinted) kernel:
risk_noise_prefactor = gamma**2

__all__ = ["risk_noise_prefactor", "sde_drift_rate", "sgdm_equivalent_step", "sgdm_sde_velocity_factor", "theta",
           "I_crit", "Lambda_", "T2", "gamma_star", "gradient_flow_time", "icr", "inv_Xi", "kappa_bar_def",
           "lam_star", "rate_large_batch", "rate_small_batch", "rate_subcritical", "rate_supercritical",
           "sde_noise", "sgdm_bound_lmax", "sgdm_bound_trace", "sgdm_delta_branches", "sgdm_gamma_tuned",
           "sgdm_noise_coefficient", "sgdm_rate", "sgdm_update_multiplier", "threshold", "volterra_kernel_term"]
