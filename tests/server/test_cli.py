from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from server.cli import IMPORT_KINDS, main
from server.graphql.schema import export_sdl
from server.imports import KINDS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No DOORSTEP_* from the caller's shell; a private data dir."""
    for name in list(os.environ):
        if name.startswith("DOORSTEP_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DOORSTEP_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_export_schema_check_reports_a_stale_file_then_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "schema.graphql"
    target.write_text("type Query { old: Int }\n", encoding="utf-8")

    assert main(["export-schema", "--check", "--output", str(target)]) == 1
    out, err = capsys.readouterr()
    assert "-type Query { old: Int }" in out
    assert "+type Query" in out
    assert "out of date" in err

    assert main(["export-schema", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == export_sdl()
    assert main(["export-schema", "--check", "--output", str(target)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_bad_setting_is_one_line_without_traceback(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOORSTEP_TIMEZONE", "Mars/Olympus_Mons")
    assert main(["migrate"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("doorstep: DOORSTEP_TIMEZONE must be an IANA time zone")
    assert "Traceback" not in err
    assert not (clean_env / "data").exists()


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["import", "widgets", "x.csv"],
        ["create-user", "--username", "a"],
        ["serve", "--port", "x"],
    ],
)
def test_bad_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_import_kinds_match_the_importer() -> None:
    assert set(IMPORT_KINDS) == set(KINDS)


def test_create_user_without_a_password_source_fails_cleanly(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    argv = ["create-user", "--username", "ann", "--role", "dispatcher", "--display-name", "Ann"]
    assert main(argv) == 1
    assert "DOORSTEP_NEW_PASSWORD" in capsys.readouterr().err


def test_import_of_a_missing_file_fails_before_touching_the_database(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "customers", str(clean_env / "nope.csv")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert not (clean_env / "data").exists()


def _doorstep(data_dir: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOORSTEP_")}
    env.update(extra_env, DOORSTEP_DATA_DIR=str(data_dir))
    return subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "server.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_seed_demo_and_import_from_the_command_line(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = _doorstep(data_dir, "seed-demo")
    assert first.returncode == 0, first.stderr
    assert "Demo data loaded" in first.stdout
    assert "tech1" in first.stdout
    second = _doorstep(data_dir, "seed-demo")
    assert second.returncode == 0, second.stderr
    assert "already loaded" in second.stdout
    password_line = next(line for line in first.stdout.splitlines() if "password for all" in line)
    assert password_line in second.stdout
    assert stat.S_IMODE((data_dir / "demo-logins.txt").stat().st_mode) == 0o600

    csv_file = tmp_path / "customers.csv"
    csv_file.write_text("name,phone\nAlice,13800000001\nBob,not-a-phone\n", encoding="utf-8")
    result = _doorstep(data_dir, "import", "customers", str(csv_file))
    assert result.returncode == 1  # one row failed
    assert "1 created" in result.stdout
    assert "line 3: phone" in result.stdout
    assert "2/2 100%" in result.stderr  # the progress bar, one line per tenth when not a terminal

    new_user = ["create-user", "--username", "ann", "--role", "dispatcher", "--display-name", "Ann Li"]
    created = _doorstep(data_dir, *new_user, DOORSTEP_NEW_PASSWORD="a-long-password-1")
    assert created.returncode == 0, created.stderr
    assert "Created dispatcher 'ann'" in created.stdout
    again = _doorstep(data_dir, *new_user, "--password", "another-password-2")
    assert again.returncode == 1
    assert again.stderr.strip().splitlines() == ["doorstep: The username 'ann' is taken."]


def test_rotate_jwt_key_keeps_the_newest_keys(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from server.core.secrets import load_or_create_secrets

    data_dir = clean_env / "data"
    first = load_or_create_secrets(data_dir=data_dir)
    assert main(["rotate-jwt-key"]) == 0
    assert main(["rotate-jwt-key", "--keep", "2"]) == 0
    rotated = load_or_create_secrets(data_dir=data_dir)
    assert len(rotated.jwt_keys) == 2
    assert first.active_kid not in rotated.jwt_keys
    assert rotated.active_kid in capsys.readouterr().out
    assert main(["rotate-jwt-key", "--keep", "0"]) == 1
