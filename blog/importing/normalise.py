"""Text clean-up shared by the parsers: decoding, spaces and entities, slugs, old-site patterns."""

from __future__ import annotations

import codecs
import re
import unicodedata

from django.conf import settings
from django.utils.text import slugify

SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
MOJIBAKE = re.compile("(?:\u00e2\u20ac|\u00c3[\u0080-\u00bf\u00a0-\u00ff]|\u00c2[\u00a0-\u00bf])")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']""", re.IGNORECASE)

PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")
PHONE_ONLY = re.compile(r"^\s*(?:tel:)?\s*" + PHONE.pattern + r"\s*$")
CTA_PHRASE = re.compile(
    r"\b(?:book (?:a |your )?(?:free )?consult|free consult|call (?:us|now|today|for)"
    r"|schedule (?:a |your )?(?:free )?(?:consult|appointment|session)"
    r"|request (?:a |your )?(?:free )?consult)",
    re.IGNORECASE,
)
SOCIAL_NAMES = (
    "facebook",
    "twitter",
    "instagram",
    "linkedin",
    "pinterest",
    "youtube",
    "tiktok",
    "rss",
    "yelp",
)
COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright\b|all rights reserved)", re.IGNORECASE)
FOOTER_LINE = re.compile(
    r"^(?:privacy policy|terms(?: of (?:use|service))?|sitemap|skip to (?:main )?content"
    r"|back to top|share(?: this)?:?|follow us:?|related posts?:?)$",
    re.IGNORECASE,
)


def decode(data: bytes, declared: str = "") -> tuple[str, list[str]]:
    """Bytes to text: BOM, declared charset, UTF-8, else Windows-1252 with a warning."""
    warnings: list[str] = []
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return fix_mojibake(data.decode(encoding, errors="replace"), warnings), warnings
    candidates = []
    if not declared:
        match = META_CHARSET.search(data[:4096]) or XML_ENCODING.search(data[:1024])
        declared = match.group(1).decode("ascii", "replace") if match else ""
    if declared:
        try:
            codecs.lookup(declared)
            candidates.append(declared)
        except LookupError:
            warnings.append(f"unknown character set {declared!r}, read as UTF-8")
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            return fix_mojibake(data.decode(encoding), warnings), warnings
        except UnicodeDecodeError:
            continue
    warnings.append("not valid UTF-8: read as Windows-1252, check accented letters and quotes")
    return fix_mojibake(data.decode("cp1252", errors="replace"), warnings), warnings


def fix_mojibake(text: str, warnings: list[str]) -> str:
    """Repair UTF-8 that was once read as Windows-1252 ("donâ€™t"), when the repair is clean."""
    if len(MOJIBAKE.findall(text)) < 2:
        return text
    try:
        repaired = text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
    warnings.append("repaired text that had been decoded twice (mojibake such as â€™)")
    return repaired


def clean(text: str) -> str:
    """One line of text: odd spaces become plain ones, runs collapse, ends are trimmed."""
    text = unicodedata.normalize("NFC", INVISIBLE.sub("", text))
    return SPACES.sub(" ", text.replace("\n", " ")).strip()


def clean_keep_lines(text: str) -> str:
    """Like `clean`, but line breaks survive (used for plain-text sources)."""
    text = unicodedata.normalize("NFC", INVISIBLE.sub("", text)).replace("\r\n", "\n")
    return "\n".join(
        SPACES.sub(" ", line).rstrip() for line in text.replace("\r", "\n").split("\n")
    )


def make_slug(text: str, max_length: int = 80) -> str:
    """A URL slug that keeps letters of every script (Wagtail allows unicode slugs)."""
    full = slugify(text, allow_unicode=getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True))
    slug = full[:max_length].strip("-")
    if len(full) > max_length and "-" in slug:
        slug = slug.rsplit("-", 1)[0]
    return slug


def phone_numbers(text: str) -> list[str]:
    """The distinct phone numbers in `text`, as first written."""
    found: dict[str, str] = {}
    for match in PHONE.finditer(text):
        found.setdefault(re.sub(r"\D", "", match.group(0))[-10:], match.group(0))
    return list(found.values())


def is_social_line(text: str) -> bool:
    words = re.findall(r"[a-z]+", text.lower())
    hits = sum(1 for word in words if word.split("-")[0] in SOCIAL_NAMES)
    return bool(words) and hits >= 2 and hits * 2 >= len(words)


def is_chrome_line(text: str) -> bool:
    """A line that belongs to the old site's frame, never to an article."""
    text = clean(text)
    if not text:
        return False
    return bool(
        PHONE_ONLY.match(text)
        or FOOTER_LINE.match(text)
        or (COPYRIGHT.search(text) and len(text) < 120)
        or is_social_line(text)
        or (text.isupper() and len(text) < 60 and CTA_PHRASE.search(text))
    )


def truncate(text: str, limit: int) -> str:
    """Cut at a sentence end, else a word boundary, with an ellipsis when something was cut."""
    text = clean(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    sentence = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    if sentence > limit // 2:
        return cut[: sentence + 1]
    return cut.rsplit(" ", 1)[0].rstrip(",;:") + "…"
