"""Shared paths and parameters of the demo pipeline (a local module, not a package)."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
MODEL_DIR = ROOT / "models"
PARAMS_FILE = ROOT / "params.json"

DEFAULT_PARAMS = {
    "test_size": 0.2,
    "random_state": 42,
    "n_estimators": 200,
    "max_depth": 12,
}


def load_params() -> dict:
    """The pipeline parameters, with defaults for anything params.json leaves out."""
    params = dict(DEFAULT_PARAMS)
    if PARAMS_FILE.exists():
        params.update(json.loads(PARAMS_FILE.read_text()))
    return params


def ensure_dirs() -> None:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
