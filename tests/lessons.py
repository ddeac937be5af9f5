"""The built-in lessons: one scenario file each under scenarios/."""
from pathlib import Path

from django.conf import settings

BUILT_IN = sorted(p.stem for p in (Path(settings.BASE_DIR) / "scenarios").glob("*.yaml"))
