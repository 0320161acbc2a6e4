"""One JSON object per log line in production, for log collectors."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class RedactPersonalData(logging.Filter):
    """Mask e-mail addresses in every log line.

    A last line of defence: Rolpool's own log lines carry ids, never names or addresses
    (AVG), but a library may put a login name or address in a message.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "@" in message:
            record.msg, record.args = EMAIL_ADDRESS.sub("[e-mailadres]", message), None
        return True
