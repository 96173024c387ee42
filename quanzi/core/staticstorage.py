"""Static files in production: WhiteNoise's compressed (gzip + brotli), content-hashed storage, so every URL the
templates make ends in its hash and may be cached for a year (`make prod` runs collectstatic first).

One difference from WhiteNoise's own class: a name missing from the manifest (a process started with DEBUG=0
before anyone ran collectstatic: a benchmark, a one-off command) gives its plain URL and a log line instead of a
500 on every page. The file is then not served until collectstatic runs; `/readyz` says so.
"""

from __future__ import annotations

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class HashedStaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = True

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:
            logger.warning("static file %s is not in the manifest: run collectstatic", name)
            return name

    def manifest_present(self) -> bool:
        return bool(self.hashed_files)
