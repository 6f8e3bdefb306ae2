"""The generated formulas in use: a fresh environment with numpy and mpmath only."""

import subprocess
import sys
import venv
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def numpy_only_python(tmp_path_factory):
    """A new virtual environment with numpy + mpmath and nothing else (no SymPy, no torch)."""
    d = tmp_path_factory.mktemp("venv")
    venv.create(d, with_pip=True, clear=True)
    py = d / "bin" / "python"
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", "numpy", "mpmath"],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        pytest.skip(f"could not install numpy into a fresh venv (no package registry?): {r.stderr[-300:]}")
    return py


def test_fresh_env_lacks_sympy_and_torch(numpy_only_python):
    r = subprocess.run([str(numpy_only_python), "-c", "import sympy"], capture_output=True, text=True)
    assert r.returncode != 0
    r = subprocess.run([str(numpy_only_python), "-c", "import torch"], capture_output=True, text=True)
    assert r.returncode != 0


def test_generated_formulas_import_and_example_runs_numpy_only(numpy_only_python, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 40)) / np.sqrt(40)
    np.save(tmp_path / "X.npy", X)
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([str(numpy_only_python), str(ROOT / "examples" / "pick_batch_size.py"), str(tmp_path / "X.npy")],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "critical batch size m* =" in r.stdout and "advice: m =" in r.stdout
    # the printed m* is the generated formula at the printed beta and lambda_1
    beta = float(np.max(np.sum(X**2, 1)))
    lam1 = float(np.linalg.eigvalsh(X.T @ X / 300)[-1])
    line = next(l for l in r.stdout.splitlines() if "critical batch size" in l)
    printed_mstar = float(line.rsplit("=", 1)[1])
    assert printed_mstar == pytest.approx(beta / lam1 + 1, abs=0.06)  # printed to 1 decimal
    r = subprocess.run([str(numpy_only_python), "-c",
                        "import sys, verify.generated.interpolation as g, verify.generated.interpolation_mp as gm;"
                        "assert 'sympy' not in sys.modules and 'torch' not in sys.modules;"
                        "print(g.eta_star(4, 1.0, 0.2, 0.01), gm.g_star(4, 1, 0.2, 0.01))"],
                       capture_output=True, text=True, env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr


def test_example_bad_file_exit_2(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "examples" / "pick_batch_size.py"), str(tmp_path / "missing.npy")],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_power_iteration_matches_eigvalsh():
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        from pick_batch_size import top_eigenvalue
    finally:
        sys.path.pop(0)
    X = np.random.default_rng(1).standard_normal((50, 8))
    assert top_eigenvalue(X) == pytest.approx(np.linalg.eigvalsh(X.T @ X / 50)[-1], rel=1e-8)
