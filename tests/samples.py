"""Where the shared real-world samples are: $TIES_SAMPLES, else ../shared/samples beside the repo.

Tests over them skip when the folder is absent; the samples are never copied into the repo.
"""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("TIES_SAMPLES") or REPO.parent / "shared" / "samples")
