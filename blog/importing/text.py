"""Plain-text articles as copied from a browser: the structure is read back from the lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .article import ParsedArticle
from .authors import LICENSE, looks_like_name, parse_author, split_name
from .html import finish
from .normalise import (
    COPYRIGHT,
    CTA_PHRASE,
    PHONE_ONLY,
    clean,
    clean_keep_lines,
    is_chrome_line,
    make_slug,
    phone_numbers,
    truncate,
)
from .richtext import text_to_inline

BULLET = re.compile(r"^\s*[•·▪◦●○■□*\u2023\u2043\u2013-]\s+(?P<text>\S.*)$")
NUMBERED = re.compile(r"^\s*(?P<number>\d{1,2})[.)]\s+(?P<text>\S.*)$")
LEAD_TERM = re.compile(r"^(?P<term>[A-Z0-9][^:.!?]{0,70}?)\s*:\s+(?P<rest>\S.*)$")
SMALL_WORDS = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "by",
    "for",
    "in",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
}
ARTICLE_REFERENCE = re.compile(
    r"(?P<lead>\b(?:our|my|the|this)\s+(?:blog(?:\s+post)?|article|post)\s*)"
    r"(?P<open>[“\"])(?P<title>[^”\"<>]{3,120})(?P<close>[”\"])",
    re.IGNORECASE,
)
PROSE_WORDS = 20


@dataclass
class Chunk:
    """A run of lines between blank lines."""

    lines: list[str]

    @property
    def text(self) -> str:
        return clean(" ".join(self.lines))

    @property
    def single(self) -> bool:
        return len(self.lines) == 1


def chunks(text: str) -> list[Chunk]:
    out, current = [], []
    for line in clean_keep_lines(text).split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            out.append(Chunk(current))
            current = []
    if current:
        out.append(Chunk(current))
    return out


def title_case(text: str) -> bool:
    words = re.findall(r"[A-Za-z][\w'\u2019-]*", text)
    significant = [w for w in words if w.lower() not in SMALL_WORDS]
    if not significant:
        return False
    capitalised = sum(1 for w in significant if w[0].isupper())
    return capitalised / len(significant) >= 0.6


def is_heading(chunk: Chunk) -> bool:
    text = chunk.text
    return (
        chunk.single
        and 2 <= len(text) <= 110
        and len(text.split()) <= 14
        and (text[0].isupper() or text[0].isdigit())
        and not text.endswith((".", ",", ";", "!"))
        and not BULLET.match(chunk.lines[0])
        and not NUMBERED.match(chunk.lines[0])
        and title_case(text)
    )


def is_alt_text(chunk: Chunk) -> bool:
    text = chunk.text
    return (
        chunk.single
        and text == text.lower()
        and any(c.isalpha() for c in text)
        and len(text.split()) <= 12
        and not re.search(r"[.!?:;,]$", text)
    )


def is_prose(chunk: Chunk) -> bool:
    return len(chunk.text.split()) >= PROSE_WORDS and not CTA_PHRASE.search(chunk.text[:80])


def is_promo(chunk: Chunk) -> bool:
    """A booking or phone box: short lines, a call-to-action phrase."""
    lines = [clean(line) for line in chunk.lines]
    if not any(CTA_PHRASE.search(line) for line in lines):
        return False
    short = all(len(line) <= 90 for line in lines)
    has_phone = any(PHONE_ONLY.match(line) for line in lines)
    return short or has_phone


def inline(text: str) -> str:
    """Plain text as inline rich text, with references to other articles made into links."""
    html = text_to_inline(text)
    return ARTICLE_REFERENCE.sub(
        lambda m: (
            f'{m.group("lead")}{m.group("open")}<a href="/{make_slug(m.group("title"))}/">'
            f"{m.group('title')}</a>{m.group('close')}"
        ),
        html,
    )


def lead_term(text: str, strict: bool = False) -> tuple[str, str]:
    """'Term: rest' -> ('Term', 'rest'). Outside a list (strict) the term must be in title case."""
    match = LEAD_TERM.match(clean(text))
    if (
        match
        and len(match.group("term").split()) <= (6 if strict else 8)
        and (title_case(match.group("term")) or not strict)
    ):
        return match.group("term"), match.group("rest")
    return "", clean(text)


def find_title(parts: list[Chunk], stem: str) -> int | None:
    stem_slug = make_slug(stem, max_length=200)
    if len(stem_slug) >= 8:
        for index, chunk in enumerate(parts):
            if chunk.single and make_slug(chunk.text, max_length=200).startswith(stem_slug):
                return index
    for index, chunk in enumerate(parts[:-1]):
        if is_heading(chunk) and not is_promo(parts[index + 1]) and is_prose(parts[index + 1]):
            return index
    return None


def author_at(parts: list[Chunk], index: int) -> bool:
    """A name on its own line, then a bio that names the person or gives a license."""
    chunk = parts[index]
    if not (chunk.single and looks_like_name(chunk.text)) or index + 1 >= len(parts):
        return False
    bio = parts[index + 1].text
    _, name, _ = split_name(chunk.text)
    return bool(
        bio.startswith(chunk.text) or name.split()[0] in bio.split()[:4] or LICENSE.search(bio)
    )


def read_text(text: str, source: str, stem: str = "") -> ParsedArticle:
    """Read a plain-text article: title, headings, lists, steps, CTA box, author box."""
    article = ParsedArticle(source=source)
    article.phones = phone_numbers(text)
    parts = chunks(text)
    if not parts:
        article.skip_reason = "the file is empty"
        return article
    title_index = find_title(parts, stem)
    if title_index is None:
        article.warn("no title line found: the first line is used as the title")
        title_index = 0
    article.title = parts[title_index].text
    blocks: list[dict] = []
    index = title_index + 1
    while index < len(parts):
        chunk = parts[index]
        index += 1
        lines = [line for line in chunk.lines if not is_chrome_line(line)]
        for line in chunk.lines:
            if is_chrome_line(line):
                article.warn(f"page chrome removed (footer line): {truncate(line, 80)!r}")
        if any(COPYRIGHT.search(line) for line in chunk.lines if is_chrome_line(line)):
            rest = sum(len(part.lines) for part in parts[index:])
            if rest:
                article.warn(f"page chrome removed: {rest} lines after the copyright line")
            break
        if not lines:
            continue
        chunk = Chunk(lines)
        if author_at(parts, index - 1):
            bio = []
            while index < len(parts) and not any(is_chrome_line(ln) for ln in parts[index].lines):
                if is_heading(parts[index]):
                    break
                bio.append(parts[index].text)
                index += 1
            article.author = parse_author(chunk.text, bio)
            continue
        if is_promo(chunk) and not is_prose(chunk):
            heading = ""
            if blocks and blocks[-1].get("_line") and len(blocks[-1]["_line"]) <= 100:
                heading = blocks.pop()["_line"]
            blocks.append(cta_from_lines(chunk.lines, heading))
            continue
        if all(BULLET.match(line) for line in chunk.lines):
            blocks.append(list_block([BULLET.match(line)["text"] for line in chunk.lines]))
            continue
        if all(NUMBERED.match(line) for line in chunk.lines):
            items = [lead_term(NUMBERED.match(line)["text"]) for line in chunk.lines]
            blocks.append(
                {
                    "type": "steps",
                    "items": [{"title": term, "html": inline(rest)} for term, rest in items],
                }
            )
            continue
        term, rest = lead_term(chunk.text, strict=True)
        if term and blocks and blocks[-1]["type"] == "key_points":
            blocks[-1]["items"].append({"term": term, "html": inline(rest)})
            continue
        if is_heading(chunk) and index < len(parts):
            level = 3 if chunk.text.endswith(":") else 2
            blocks.append(
                {"type": "heading", "text": chunk.text.rstrip(":").strip(), "level": level}
            )
            continue
        if is_alt_text(chunk) and blocks and blocks[-1]["type"] == "heading":
            blocks.append({"type": "image", "src": "", "alt": chunk.text, "caption": ""})
            continue
        block = {"type": "paragraph", "html": "".join(f"<p>{inline(ln)}</p>" for ln in lines)}
        if chunk.single:
            block["_line"] = chunk.text
        blocks.append(block)
    article.blocks = merge_paragraphs(blocks)
    finish(article)
    return article


def list_block(items: list[str]) -> dict:
    parsed = [lead_term(item) for item in items]
    with_terms = sum(1 for term, _ in parsed if term)
    if with_terms and with_terms * 3 >= len(parsed) * 2:
        return {
            "type": "key_points",
            "items": [{"term": term, "html": inline(rest)} for term, rest in parsed],
        }
    return {
        "type": "paragraph",
        "html": "<ul>" + "".join(f"<li>{inline(i)}</li>" for i in items) + "</ul>",
    }


def cta_from_lines(lines: list[str], heading: str) -> dict:
    lines = [clean(line) for line in lines]
    label = next((line for line in lines if CTA_PHRASE.search(line) and len(line) <= 60), "")
    phone = next((line for line in lines if PHONE_ONLY.match(line)), "")
    text = [
        line
        for line in lines
        if line not in {label, phone} and not looks_like_name(line) and len(line) <= 60
    ]
    return {
        "type": "cta",
        "phone": clean(phone),
        "heading": heading,
        "text": " ".join(text),
        "label": label,
        "url": f"tel:{re.sub(r'[^0-9+]', '', phone)}" if phone else "",
        "action": "phone" if phone else "booking",
    }


def merge_paragraphs(blocks: list[dict]) -> list[dict]:
    merged: list[dict] = []
    for block in blocks:
        block.pop("_line", None)
        if block["type"] == "paragraph" and merged and merged[-1]["type"] == "paragraph":
            merged[-1]["html"] += block["html"]
        else:
            merged.append(block)
    return merged
