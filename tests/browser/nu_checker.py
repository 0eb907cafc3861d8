"""The Nu Html Checker (vnu.jar, the W3C validator's engine, from npm's vnu-jar) over
the HTML the service sent: every page state the axe harness opens is kept as the
server answered it and checked in one run of the checker."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path

VNU = Path(__file__).resolve().parents[2] / "node_modules/vnu-jar/build/dist/vnu.jar"


class NuChecker:
    """Collects pages (a name and the bytes the server sent) and checks them all."""

    def __init__(self):
        self._dir = Path(tempfile.mkdtemp(prefix="nu-"))
        self.names: dict[str, str] = {}

    def add(self, name: str, html: bytes) -> None:
        file = (
            self._dir
            / f"{len(self.names):04d}-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.html"
        )
        file.write_bytes(html)
        self.names[file.name] = name

    def errors(self) -> list[str]:
        """Every error the checker reports, as "page, line N: message"; [] for none."""
        if not self.names:
            return []
        result = subprocess.run(
            [
                "java",
                "-Xss16m",
                "-jar",
                str(VNU),
                "--format",
                "json",
                "--errors-only",
                "--stdout",
                *sorted(str(self._dir / name) for name in self.names),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        messages = json.loads(result.stdout)["messages"]
        if result.returncode not in (0, 1) or (result.returncode and not messages):
            raise RuntimeError(f"vnu.jar failed: {result.stderr[-2000:]}")
        return [
            f"{self.names.get(Path(m.get('url', '')).name, m.get('url'))}, line "
            f"{m.get('lastLine', '?')}: {m['message']}"
            for m in messages
            if m.get("type") in ("error", "non-document-error")
        ]
