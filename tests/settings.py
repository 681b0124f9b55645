"""Test settings: the real settings, with tasks run in-process unless a test starts a
real worker, a fast password hasher, and a throw-away var directory."""

import atexit
import os
import shutil
import tempfile

if "IOB_VAR_DIR" not in os.environ:
    # The process that makes the folder removes it when it exits; pytest-xdist's workers
    # inherit the variable from it and share the folder.
    _var_dir = tempfile.mkdtemp(prefix="iob-test-var-")
    os.environ["IOB_VAR_DIR"] = _var_dir
    atexit.register(shutil.rmtree, _var_dir, ignore_errors=True)

from iob_portal.settings import *  # noqa: E402,F401,F403

CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "nl"
# Each test starts from an empty trail; checkpoints of another test's trail would not match.
IOB_AUDIT_CHECKPOINT_DIR = None
# The suite approves and signs off in hundreds of tests; the second factor's own tests
# (tests/accounts/test_second_factor.py) turn the requirement on.
IOB_SECOND_FACTOR_REQUIRED = False
# OpenID Connect is off unless a test starts its provider (tests/accounts/test_oidc.py).
IOB_OIDC_ISSUER = ""
IOB_OIDC_CLIENT_ID = ""
