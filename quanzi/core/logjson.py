"""One JSON object a line for every log record (production; `QUANZI_LOG_FORMAT=json`), with the request id.

Standard library only: the fields a log pipeline (Loki, ELK, Aliyun SLS) indexes are `time` (UTC, ISO 8601),
`level`, `logger`, `message`, `request_id`, and whatever the call passed in `extra=` that JSON can carry
(`status`, `duration_ms` …); a traceback goes in `exc` as one string.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

# attributes every LogRecord has: not copied as extra fields
_STANDARD = frozenset(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime",
                                                                                   "request", "server_time"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key in entry or key.startswith("_"):
                continue
            if isinstance(value, str | int | float | bool) or value is None:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
