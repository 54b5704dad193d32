"""Author boxes: the name, honorific, credentials, license and bio found under an article."""

from __future__ import annotations

import re

from .article import ParsedAuthor
from .normalise import clean

HONORIFIC = re.compile(r"^(Dr|Mr|Mrs|Ms|Mx|Prof|Rev)\.?\s+", re.IGNORECASE)
# Licence prefixes as boards print them, e.g. "MFC 44618" (California's older LMFT prefix).
LICENSE = re.compile(
    r"\b(?P<prefix>LMFT|MFC|MFT|LCSW|LPCC|LPC|LMHC|LCPC|LCMHC|LICSW|LMSW|PSY|PsyD|LP)"
    r"\s*(?:#|No\.?|number)?\s*:?\s*(?P<number>\d{3,8})\b"
)
LICENSE_TYPES = {
    "LMFT": "LMFT",
    "MFC": "LMFT",
    "MFT": "LMFT",
    "LCSW": "LCSW",
    "LPCC": "LPCC",
    "LPC": "LPC",
    "LMHC": "LMHC",
    "LCPC": "LCPC",
    "LCMHC": "LCMHC",
    "LICSW": "LICSW",
    "LMSW": "LMSW",
    "PSY": "Psychologist",
    "PSYD": "Psychologist",
    "LP": "Psychologist",
}
# Prefixes that only California's boards (BBS, Board of Psychology) issue.
CALIFORNIA_PREFIXES = {"MFC", "LPCC", "PSY"}
PROFESSIONS = (
    (re.compile(r"marriage\s*(?:&|and)\s*family\s*therapist", re.IGNORECASE), "LMFT"),
    (re.compile(r"clinical\s+social\s+worker", re.IGNORECASE), "LCSW"),
    (re.compile(r"professional\s+clinical\s+counselor", re.IGNORECASE), "LPCC"),
    (re.compile(r"licensed\s+(?:clinical\s+)?psychologist", re.IGNORECASE), "Psychologist"),
)
ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z-]{1,9})\)")
SUFFIX_CREDENTIAL = re.compile(r"^(?:[A-Z][A-Za-z]{0,3}\.?-?){1,4}$")
STATES = {
    "california": "CA",
    "oregon": "OR",
    "washington": "WA",
    "nevada": "NV",
    "arizona": "AZ",
    "new york": "NY",
    "texas": "TX",
}
NAME_WORD = r"[A-Z][a-zA-Z'\u2019-]*\.?"
PERSON_NAME = re.compile(
    rf"^(?:(?:Dr|Mr|Mrs|Ms|Mx|Prof)\.?\s+)?{NAME_WORD}(?:\s+{NAME_WORD}){{1,4}}"
    r"(?:,\s*[A-Z][A-Za-z.-]{1,9})*$"
)


def looks_like_name(text: str) -> bool:
    text = clean(text)
    return len(text) <= 60 and bool(PERSON_NAME.match(text))


def split_name(raw: str) -> tuple[str, str, list[str]]:
    """'Dr. Jane Q. Doe, LMFT, CSAT' -> ('Dr.', 'Jane Q. Doe', ['LMFT', 'CSAT'])."""
    raw = clean(raw).strip(" ,")
    parts = [part.strip() for part in raw.split(",")]
    name, suffixes = parts[0], [p for p in parts[1:] if SUFFIX_CREDENTIAL.match(p)]
    honorific = ""
    match = HONORIFIC.match(name)
    if match:
        honorific = match.group(1).capitalize() + "."
        name = name[match.end() :]
    return honorific, name.strip(), suffixes


def parse_author(
    name: str, paragraphs: list[str], headshot_src: str = "", headshot_alt: str = ""
) -> ParsedAuthor:
    """Build an author from a box's name line and bio paragraphs, reading any license in them."""
    honorific, plain_name, credentials = split_name(name)
    paragraphs = [clean(p) for p in paragraphs if clean(p)]
    bio = " ".join(paragraphs)
    author = ParsedAuthor(
        name=plain_name,
        honorific=honorific,
        short_bio=paragraphs[0] if paragraphs else "",
        long_bio=paragraphs,
        headshot_src=headshot_src,
        headshot_alt=clean(headshot_alt),
    )
    license_match = LICENSE.search(bio)
    if license_match:
        prefix = license_match.group("prefix")
        author.license_number = f"{prefix} {license_match.group('number')}"
        author.license_type = LICENSE_TYPES[prefix.upper()]
        if prefix.upper() in CALIFORNIA_PREFIXES:
            author.license_state = "CA"
    for pattern, credential in PROFESSIONS:
        if pattern.search(bio):
            credentials.append(credential)
            if not author.license_type and license_match:
                author.license_type = credential
    credentials.extend(ABBREVIATION.findall(bio))
    if not author.license_state and license_match:
        lowered = bio.lower()
        for state, code in STATES.items():
            if f"in {state}" in lowered or f"{state} licensed" in lowered:
                author.license_state = code
                break
    seen: set[str] = set()
    author.credentials = [c for c in credentials if not (c in seen or seen.add(c))]
    return author
