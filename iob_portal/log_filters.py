"""Logging filters of the portal."""

import logging


class ExpectedRefusalFilter(logging.Filter):
    """A 403 or 404 is the portal doing its job (deny by default), not a fault: keep the
    one-line warning, drop the traceback Django attaches to it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (403, 404):
            record.exc_info = None
            record.exc_text = None
        return True
