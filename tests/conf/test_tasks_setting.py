"""HEADWAY_TASKS_BACKEND: the database backend by default, any backend class path, a clear error otherwise."""

from __future__ import annotations

import pytest

from headway.conf.config import load_config
from headway.core.errors import ConfigurationError


def test_the_database_backend_is_the_default(tmp_path):
    assert load_config({"HEADWAY_HOME": str(tmp_path)}).tasks_backend == "django_tasks_db.DatabaseBackend"


def test_a_backend_class_path_is_taken(tmp_path):
    env = {"HEADWAY_HOME": str(tmp_path), "HEADWAY_TASKS_BACKEND": " django_tasks_rq.RQBackend ",
           "HEADWAY_REDIS_URL": "redis://cache:6379/0"}
    config = load_config(env)
    assert (config.tasks_backend, config.uses_rq, config.redis_url) == (
        "django_tasks_rq.RQBackend", True, "redis://cache:6379/0")


def test_a_bare_word_is_refused_with_the_fix(tmp_path):
    with pytest.raises(ConfigurationError, match="is not a backend class path: use django_tasks_db"):
        load_config({"HEADWAY_HOME": str(tmp_path), "HEADWAY_TASKS_BACKEND": "redis"})
