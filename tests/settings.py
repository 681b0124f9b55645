"""Test settings: the real settings, with tasks run in-process unless a test starts a
real worker, a fast password hasher, and a throw-away var directory."""

import os
import tempfile

os.environ.setdefault("IOB_VAR_DIR", tempfile.mkdtemp(prefix="iob-test-var-"))

from iob_portal.settings import *  # noqa: E402,F401,F403

CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "nl"
# Each test starts from an empty trail; checkpoints of another test's trail would not match.
IOB_AUDIT_CHECKPOINT_DIR = None
