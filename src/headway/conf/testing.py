"""Settings for the test suite: a throwaway HEADWAY_HOME, PostgreSQL when HEADWAY_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("HEADWAY_HOME", tempfile.mkdtemp(prefix="headway-test-"))
if os.environ.get("HEADWAY_TEST_DATABASE_URL"):
    os.environ["HEADWAY_DATABASE_URL"] = os.environ["HEADWAY_TEST_DATABASE_URL"]
else:
    os.environ.pop("HEADWAY_DATABASE_URL", None)

from headway.conf.settings import *  # noqa: F403

PASSWORD_HASHERS = ["headway.core.hashers.TestArgon2PasswordHasher"]

# Tests run background work at once, in the caller (tests of the worker itself switch to the database backend).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Demo builds use the light themes fallback; tests/discovery/test_demo_themes.py runs the model on the demo.
DEMO_THEMES_METHOD = "lexical"
