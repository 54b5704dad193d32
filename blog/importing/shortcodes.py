"""WordPress shortcodes: the few with a meaning are converted, the rest removed with a warning."""

from __future__ import annotations

import re
from html import escape

KNOWN_SELF_CLOSING = {
    "gallery",
    "audio",
    "video",
    "playlist",
    "contact-form-7",
    "contact-form",
    "wpforms",
    "gravityform",
    "ninja_form",
    "instagram-feed",
    "custom-facebook-feed",
}
OPEN = re.compile(r"\[(?P<name>[a-zA-Z][\w-]*)(?P<attrs>(?:\s[^\]]*)?)\]")
ATTRIBUTE = re.compile(r"""(\w[\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s\]]+))""")
EMBEDDABLE = re.compile(r"https?://(?:www\.)?(?:youtube\.com|youtu\.be|vimeo\.com)/\S+")


def attributes(raw: str) -> dict[str, str]:
    return {
        m.group(1): m.group(2) or m.group(3) or m.group(4) or "" for m in ATTRIBUTE.finditer(raw)
    }


def is_shortcode(text: str, match: re.Match) -> bool:
    """`[sic]` and `[1]` are prose; `[gallery ids="1"]`, `[x]...[/x]` and known names are code."""
    name = match.group("name")
    return bool(
        name.lower() in KNOWN_SELF_CLOSING
        or "=" in match.group("attrs")
        or f"[/{name}]" in text[match.end() :]
        or "_" in name
        or name.lower() in {"caption", "embed", "youtube", "vimeo"}
    )


def gallery(ids: str, attachments: dict) -> str:
    """`[gallery ids="1,2"]` as a gallery figure: each attachment with its own caption."""
    figures = []
    for post_id in (part.strip() for part in ids.split(",")):
        found = attachments.get(post_id)
        if found is None:
            continue
        caption = f"<figcaption>{escape(found.caption)}</figcaption>" if found.caption else ""
        figures.append(
            f'<figure class="wp-block-image"><img src="{escape(found.url)}" '
            f'alt="{escape(found.alt)}"/>{caption}</figure>'
        )
    if not figures:
        return ""
    return f'<figure class="wp-block-gallery">{"".join(figures)}</figure>'


def convert(text: str, attachments: dict | None = None) -> tuple[str, list[str]]:
    """Replace shortcodes in an HTML body; returns the new body and one warning per kind removed."""
    warnings: list[str] = []
    removed: dict[str, int] = {}
    out: list[str] = []
    position = 0
    while True:
        match = OPEN.search(text, position)
        if match is None:
            out.append(text[position:])
            break
        out.append(text[position : match.start()])
        if not is_shortcode(text, match):
            out.append(match.group(0))
            position = match.end()
            continue
        name = match.group("name")
        attrs = attributes(match.group("attrs"))
        closing = re.compile(rf"\[/{re.escape(name)}\]", re.IGNORECASE)
        end = closing.search(text, match.end())
        inner = text[match.end() : end.start()] if end else ""
        position = end.end() if end else match.end()
        lowered = name.lower()
        if lowered in {"caption", "wp_caption"}:
            caption = attrs.get("caption", "") or re.sub(r"<img[^>]*>|<a[^>]*>|</a>", "", inner)
            image = re.search(r"<img[^>]*>", inner)
            if image:
                out.append(
                    f"<figure>{image.group(0)}<figcaption>{caption.strip()}</figcaption></figure>"
                )
            else:
                out.append(inner)
        elif lowered == "gallery" and (found := gallery(attrs.get("ids", ""), attachments or {})):
            out.append(found)
        elif lowered in {"embed", "youtube", "vimeo"}:
            url = (inner or attrs.get("url", "") or attrs.get("src", "")).strip()
            if EMBEDDABLE.match(url) or url.startswith("https://"):
                out.append(f'<figure class="import-embed" data-url="{escape(url)}"></figure>')
            else:
                removed[name] = removed.get(name, 0) + 1
        else:
            removed[name] = removed.get(name, 0) + 1
            if end:
                out.append(convert(inner, attachments)[0])
    for name, count in removed.items():
        times = f" ({count} times)" if count > 1 else ""
        warnings.append(f"unknown shortcode [{name}] removed{times}")
    return "".join(out), warnings
