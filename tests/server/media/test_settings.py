"""The media settings read from the environment."""

from __future__ import annotations

import pytest

from server.core.settings import Settings, SettingsError

S3 = {
    "DOORSTEP_S3_ENDPOINT": "http://127.0.0.1:9000/",
    "DOORSTEP_S3_BUCKET": "doorstep-media",
    "DOORSTEP_S3_ACCESS_KEY": "key",
    "DOORSTEP_S3_SECRET_KEY": "secret",
}


def test_defaults_store_locally_with_25_mb_files_and_a_2_gb_quota() -> None:
    settings = Settings.from_env({})
    assert settings.s3 is None
    assert settings.max_upload_bytes == 25 * 1024 * 1024
    assert settings.upload_quota_bytes == 2 * 1024**3


def test_limits_are_configurable_in_megabytes() -> None:
    settings = Settings.from_env({"DOORSTEP_MAX_UPLOAD_MB": "10", "DOORSTEP_UPLOAD_QUOTA_MB": "500"})
    assert (settings.max_upload_bytes, settings.upload_quota_bytes) == (10 * 1024**2, 500 * 1024**2)
    with pytest.raises(SettingsError, match="DOORSTEP_MAX_UPLOAD_MB"):
        Settings.from_env({"DOORSTEP_MAX_UPLOAD_MB": "0"})


def test_s3_settings_are_read_and_the_secret_is_not_shown() -> None:
    s3 = Settings.from_env({**S3, "DOORSTEP_S3_REGION": "cn-north-1"}).s3
    assert s3 is not None
    assert (s3.endpoint, s3.bucket, s3.region) == ("http://127.0.0.1:9000", "doorstep-media", "cn-north-1")
    assert "secret" not in repr(s3)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"DOORSTEP_S3_SECRET_KEY": ""}, "DOORSTEP_S3_SECRET_KEY"),
        ({"DOORSTEP_S3_ENDPOINT": "127.0.0.1:9000"}, "DOORSTEP_S3_ENDPOINT"),
        ({"DOORSTEP_S3_BUCKET": "No_Such Bucket"}, "DOORSTEP_S3_BUCKET"),
    ],
)
def test_incomplete_or_wrong_s3_settings_stop_the_start(change: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_env({**S3, **change})
