"""The consent texts a signer agrees to, per version and language.

Texts are never edited or removed: a device may have shown an older version while offline, and a
stored signature names the version it was given. Changing the wording means adding a version.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("zh-CN", "en")


@dataclass(frozen=True)
class ConsentText:
    version: int
    language: str
    text: str


CONSENT_TEXTS: tuple[ConsentText, ...] = (
    ConsentText(
        1,
        "zh-CN",
        "本人确认：上述服务内容已在现场完成，所列配件和检查结果属实，"
        "本人已试用并确认服务恢复正常。本签名仅用于确认本服务单。",
    ),
    ConsentText(
        1,
        "en",
        "I confirm that the work described above was carried out on site, that the parts and "
        "checks listed are correct, and that I have tried the service and it works. This "
        "signature only confirms this service record.",
    ),
)


def language_of(tag: str) -> str:
    """The supported language for a tag: any Chinese tag is zh-CN, anything else English."""
    primary = tag.replace("_", "-").split("-", 1)[0].strip().lower()
    return "zh-CN" if primary == "zh" else "en"


def texts_for(language: str) -> list[ConsentText]:
    """Every version in `language` (a tag, see `language_of`), newest first."""
    wanted = language_of(language)
    return sorted((c for c in CONSENT_TEXTS if c.language == wanted), key=lambda c: -c.version)


def current(language: str) -> ConsentText:
    return texts_for(language)[0]


def find(*, version: int, language: str) -> ConsentText | None:
    for consent in CONSENT_TEXTS:
        if consent.version == version and consent.language == language:
            return consent
    return None
