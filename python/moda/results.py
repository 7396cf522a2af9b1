"""What every recorded result shares (shared/spec/FIGURES.md)."""

import datetime
import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Relative Frobenius error allowed per input element type (MODA.md section 6).
TOLERANCE = {"bf16": 4e-3, "f16": 1e-3, "f32": 1e-5}


def measured_commit():
    """The commit of the measured tree: $MODA_COMMIT (the GPU machine's copy
    of the tree has no git history), else git's HEAD, else "unknown"."""
    if os.environ.get("MODA_COMMIT"):
        return os.environ["MODA_COMMIT"]
    result = subprocess.run(["git", "rev-parse", "--verify", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else "unknown"


def artifacts_commit(directory):
    """The commit kernels in `directory` were compiled at, as the file
    DIR/COMMIT names it (a short sha, written by whoever compiled them at
    another commit, e.g. the one before a change), else None."""
    commit_file = Path(directory) / "COMMIT"
    if not commit_file.is_file():
        return None
    return commit_file.read_text().strip() or None


def write_report(json_path, suite, cases, device, **fields):
    """Writes a results file: the suite, the measured commit, the device,
    today's date, `fields` (how it was timed, ...) and the cases."""
    report = {"suite": suite, "commit": measured_commit(), "device": device,
              "date": datetime.date.today().isoformat(), **fields, "cases": cases}
    Path(json_path).parent.mkdir(parents=True, exist_ok=True)
    Path(json_path).write_text(json.dumps(report, indent=1))
