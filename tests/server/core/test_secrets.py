from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest

from server.core import secrets as secrets_module
from server.core.secrets import (
    MIN_KEY_BYTES,
    SECRETS_FILE_NAME,
    Secrets,
    SecretsError,
    load_or_create_secrets,
    rotate_jwt_key,
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _write_json(data_dir: Path, data: object) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRETS_FILE_NAME
    path.write_text(json.dumps(data))
    return path


def _valid_document() -> dict[str, object]:
    return {
        "jwt_keys": {"k1": _b64(b"a" * 48)},
        "jwt_active_kid": "k1",
        "upload_secret": _b64(b"u" * 32),
    }


def test_created_on_first_run_with_mode_0600(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "data"
    secrets = load_or_create_secrets(data_dir=data_dir)

    path = data_dir / SECRETS_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(secrets.jwt_keys) == [secrets.active_kid]
    assert len(secrets.active_jwt_key) == 48
    assert len(secrets.upload_secret) == 32
    # Only the final file remains; no temp files are left behind.
    assert [p.name for p in data_dir.iterdir()] == [SECRETS_FILE_NAME]


def test_file_format(tmp_path: Path) -> None:
    secrets = load_or_create_secrets(data_dir=tmp_path)
    data = json.loads((tmp_path / SECRETS_FILE_NAME).read_text())

    assert set(data) == {"jwt_keys", "jwt_active_kid", "upload_secret"}
    assert data["jwt_active_kid"] == secrets.active_kid
    encoded = data["jwt_keys"][secrets.active_kid]
    assert base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)) == secrets.active_jwt_key


def test_second_call_reuses_the_file(tmp_path: Path) -> None:
    first = load_or_create_secrets(data_dir=tmp_path)
    second = load_or_create_secrets(data_dir=tmp_path)
    assert second == first


def test_each_data_dir_gets_its_own_random_keys(tmp_path: Path) -> None:
    one = load_or_create_secrets(data_dir=tmp_path / "one")
    two = load_or_create_secrets(data_dir=tmp_path / "two")
    assert one.active_jwt_key != two.active_jwt_key
    assert one.upload_secret != two.upload_secret


def test_secrets_are_immutable(tmp_path: Path) -> None:
    secrets = load_or_create_secrets(data_dir=tmp_path)
    with pytest.raises(TypeError):
        secrets.jwt_keys["evil"] = b"x" * 48  # type: ignore[index]


def test_concurrent_creation_keeps_the_first_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    winner = load_or_create_secrets(data_dir=tmp_path)
    real_read = secrets_module._read
    calls = iter([None])

    # Pretend the file did not exist yet when we looked, as if another process won the race.
    def racing_read(path: Path) -> Secrets | None:
        return next(calls, real_read(path))

    monkeypatch.setattr(secrets_module, "_read", racing_read)
    assert load_or_create_secrets(data_dir=tmp_path) == winner


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "not valid JSON"),
        ("{not json", "not valid JSON"),
        ("[]", "top level"),
        (json.dumps({**_valid_document(), "jwt_keys": {}}), "jwt_keys"),
        (json.dumps({**_valid_document(), "jwt_keys": "k1"}), "jwt_keys"),
        (json.dumps({**_valid_document(), "jwt_active_kid": "missing"}), "jwt_active_kid"),
        (json.dumps({**_valid_document(), "jwt_keys": {"k1": "not base64!"}}), "base64url"),
        (json.dumps({**_valid_document(), "jwt_keys": {"k1": 123}}), "base64url"),
        (json.dumps({**_valid_document(), "jwt_keys": {"k1": _b64(b"short")}}), "at least 32"),
        (json.dumps({**_valid_document(), "upload_secret": _b64(b"s" * 31)}), "upload_secret"),
        (json.dumps({k: v for k, v in _valid_document().items() if k != "upload_secret"}), "upload_secret"),
    ],
)
def test_corrupt_file_raises_and_is_left_alone(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / SECRETS_FILE_NAME
    path.write_text(content)

    with pytest.raises(SecretsError) as excinfo:
        load_or_create_secrets(data_dir=tmp_path)

    message = str(excinfo.value)
    assert str(path) in message
    assert fragment in message
    assert path.read_text() == content  # never silently regenerated


def test_invalid_utf8_raises(tmp_path: Path) -> None:
    (tmp_path / SECRETS_FILE_NAME).write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SecretsError, match="Cannot read"):
        load_or_create_secrets(data_dir=tmp_path)


def test_valid_hand_written_file_is_accepted(tmp_path: Path) -> None:
    _write_json(tmp_path, _valid_document())
    secrets = load_or_create_secrets(data_dir=tmp_path)
    assert secrets.jwt_keys == {"k1": b"a" * 48}
    assert secrets.upload_secret == b"u" * 32


def test_minimum_key_length_is_32_bytes(tmp_path: Path) -> None:
    assert MIN_KEY_BYTES == 32
    _write_json(tmp_path, {**_valid_document(), "jwt_keys": {"k1": _b64(b"a" * 32)}})
    assert load_or_create_secrets(data_dir=tmp_path).active_jwt_key == b"a" * 32


def test_rotation_keeps_previous_key(tmp_path: Path) -> None:
    original = load_or_create_secrets(data_dir=tmp_path)
    rotated = rotate_jwt_key(data_dir=tmp_path)

    assert rotated.active_kid != original.active_kid
    assert list(rotated.jwt_keys) == [original.active_kid, rotated.active_kid]
    assert rotated.jwt_keys[original.active_kid] == original.active_jwt_key
    assert rotated.upload_secret == original.upload_secret
    assert load_or_create_secrets(data_dir=tmp_path) == rotated
    path = tmp_path / SECRETS_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [SECRETS_FILE_NAME]


def test_rotation_drops_keys_beyond_keep(tmp_path: Path) -> None:
    first = load_or_create_secrets(data_dir=tmp_path)
    second = rotate_jwt_key(data_dir=tmp_path)
    third = rotate_jwt_key(data_dir=tmp_path)

    assert list(third.jwt_keys) == [second.active_kid, third.active_kid]
    assert first.active_kid not in third.jwt_keys


def test_rotation_with_larger_keep(tmp_path: Path) -> None:
    load_or_create_secrets(data_dir=tmp_path)
    for _ in range(4):
        latest = rotate_jwt_key(data_dir=tmp_path, keep=3)
    assert len(latest.jwt_keys) == 3
    assert list(latest.jwt_keys)[-1] == latest.active_kid


def test_rotation_creates_secrets_when_missing(tmp_path: Path) -> None:
    rotated = rotate_jwt_key(data_dir=tmp_path, keep=1)
    assert list(rotated.jwt_keys) == [rotated.active_kid]


def test_rotation_rejects_keep_below_one(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="keep"):
        rotate_jwt_key(data_dir=tmp_path, keep=0)


def test_rotation_refuses_corrupt_file(tmp_path: Path) -> None:
    (tmp_path / SECRETS_FILE_NAME).write_text("{")
    with pytest.raises(SecretsError):
        rotate_jwt_key(data_dir=tmp_path)
