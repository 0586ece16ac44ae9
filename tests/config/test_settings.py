"""Settings come from the environment; malformed values stop the start-up with a clear message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_float, env_int, env_list, env_url

ROOT = Path(__file__).resolve().parents[2]


def test_env_bool_accepts_common_spellings_and_refuses_others() -> None:
    assert env_bool("X", environ={"X": "Yes"}) is True
    assert env_bool("X", environ={"X": "0"}) is False
    assert env_bool("X", True, environ={}) is True
    with pytest.raises(ImproperlyConfigured, match="X='maybe'"):
        env_bool("X", environ={"X": "maybe"})


def test_env_int_checks_type_and_range() -> None:
    assert env_int("P", 25, environ={"P": "587"}) == 587
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("P", 25, environ={"P": "5x"})
    with pytest.raises(ImproperlyConfigured, match="at most 65535"):
        env_int("P", 25, maximum=65535, environ={"P": "70000"})


def test_env_float_checks_type_and_range() -> None:
    assert env_float("F", 1.0, environ={"F": "0.5"}) == 0.5
    with pytest.raises(ImproperlyConfigured, match="expected a number"):
        env_float("F", 1.0, environ={"F": "1,5"})
    with pytest.raises(ImproperlyConfigured, match=r"at least 0\.01"):
        env_float("F", 1.0, minimum=0.01, environ={"F": "0"})


def test_env_list_and_url() -> None:
    assert env_list("H", environ={"H": "a.example, b.example,"}) == ["a.example", "b.example"]
    assert env_url("U", schemes=("redis",), environ={}) == ""
    assert env_url("U", schemes=("redis",), environ={"U": "redis://r:6379/0"}).startswith("redis")
    with pytest.raises(ImproperlyConfigured, match="scheme 'mysql'"):
        env_url("U", schemes=("postgres",), environ={"U": "mysql://db/x"})


def _run_check(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_embedded_default_runs_on_sqlite_with_eager_tasks(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
            "django.setup(); from django.conf import settings as s;"
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)",
        ],
        cwd=ROOT,
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}
            },
            "STIMME_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"], result.stderr


def test_bad_database_url_stops_startup_naming_the_variable(tmp_path: Path) -> None:
    result = _run_check(DATABASE_URL="mysql://db/stimme", STIMME_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr and "mysql" in result.stderr


def test_bad_debug_flag_stops_startup(tmp_path: Path) -> None:
    result = _run_check(STIMME_DEBUG="perhaps", STIMME_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "STIMME_DEBUG='perhaps'" in result.stderr
