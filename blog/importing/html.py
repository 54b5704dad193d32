"""HTML sources: a saved article page (chrome and all) or a bare post body, into blocks."""

from __future__ import annotations

import re
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment

from .article import ParsedArticle
from .authors import parse_author
from .normalise import (
    CTA_PHRASE,
    PHONE,
    clean,
    is_chrome_line,
    make_slug,
    phone_numbers,
    truncate,
)
from .richtext import LinkRewriter, inline, inline_nodes, paragraph, plain, tidy
from .shortcodes import convert as convert_shortcodes

BLOCK_TAGS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "iframe",
    "img",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "picture",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
    "video",
    "audio",
    "import-cta",
}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
REMOVE_TAGS = ["script", "style", "noscript", "template", "svg", "link", "meta", "button", "input"]
CHROME_TAGS = ["nav", "header", "footer"]
CHROME_CLASS = re.compile(
    r"^(?:top-?bar|site-(?:header|footer|nav\w*|branding)|masthead|(?:main-|primary-)?menu\S*"
    r"|nav\S*|\S+-nav|navbar|breadcrumbs?|social\S*|\S*-social|share\S*|sharing|sidebar\S*"
    r"|widget\S*|comments?|comment-respond|related\S*|cookie\S*|skip-link|screen-reader-text"
    r"|post-navigation|copyright|site-info|hero-cta|banner|announcement\S*)$",
    re.IGNORECASE,
)
AUTHOR_CLASS = re.compile(
    r"^(?:author-?(?:box|bio|info|card|profile)|about-?(?:the-)?author|entry-author\S*"
    r"|saboxplugin\S*|post-author\S*|author)$",
    re.IGNORECASE,
)
CTA_CLASS = re.compile(
    r"^(?:\S*-?cta(?:-\S+)?|call-?to-?action\S*|consult\S*|booking\S*|book-now)$", re.IGNORECASE
)
CONTENT_CLASS = re.compile(r"^(?:entry-content|post-content|article-content|content)$")
AUTOP_BLOCK = re.compile(
    r"^\s*<(?:/?(?:h[1-6]|ul|ol|li|blockquote|figure|div|table|p|pre|hr|iframe|section|dl)\b|!--)",
    re.IGNORECASE,
)
AUTOP_TAGS = r"h[1-6]|ul|ol|blockquote|figure|div|table|pre|section|hr"
AUTOP_OPEN = re.compile(rf"(<(?:{AUTOP_TAGS})\b[^>]*>)", re.IGNORECASE)
AUTOP_CLOSE = re.compile(rf"(</(?:{AUTOP_TAGS})>)", re.IGNORECASE)
TITLE_SUFFIX = re.compile(r"\s+[-\u2013\u2014|·:]\s+[^-\u2013\u2014|·:]{2,60}$")
YOUTUBE_EMBED = re.compile(r"(?:youtube(?:-nocookie)?\.com/embed/|youtu\.be/)([\w-]{6,})")
VIMEO_EMBED = re.compile(r"player\.vimeo\.com/video/(\d+)")
LEAD_TERM = re.compile(r"^\s*(?P<term>[^:]{1,80}?)\s*:\s*$")
# A line holding only the address of media WordPress would embed (oEmbed providers it knows).
EMBED_LINE = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch|shorts|embed)|youtu\.be/|vimeo\.com/\d"
    r"|soundcloud\.com/|open\.spotify\.com/|(?:twitter|x)\.com/\w+/status/|ted\.com/talks/"
    r"|podcasts\.apple\.com/|dailymotion\.com/video/)\S*$",
    re.IGNORECASE,
)
HEADING_LEVELS = {"h1": 2, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}


def tokens(tag: Tag) -> list[str]:
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = classes.split()
    element_id = tag.get("id") or ""
    return [*classes, *([element_id] if element_id else [])]


def has_token(tag: Tag, pattern: re.Pattern) -> bool:
    return any(pattern.match(token) for token in tokens(tag))


VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
OPTIONAL_END = {
    "p",
    "li",
    "dt",
    "dd",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
    "tfoot",
    "option",
    "colgroup",
    "html",
    "head",
    "body",
    "rt",
    "rp",
    "optgroup",
    "caption",
}


class TagBalance(HTMLParser):
    """Counts elements left open and end tags that close nothing: signs of broken markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.stray = 0

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag in self.stack:
            while self.stack:
                opened = self.stack.pop()
                if opened == tag:
                    break
                if opened not in OPTIONAL_END:
                    self.stray += 1
        elif tag not in OPTIONAL_END:
            self.stray += 1


def malformed(html: str) -> int:
    """How many tags are unclosed or stray (0 for well-formed HTML)."""
    checker = TagBalance()
    checker.feed(html)
    checker.close()
    return checker.stray + sum(1 for tag in checker.stack if tag not in OPTIONAL_END)


def warn_if_malformed(html: str, article: ParsedArticle) -> None:
    problems = malformed(html)
    if problems:
        article.warn(f"malformed HTML ({problems} unclosed or stray tags): check the imported text")


def autop(body: str) -> str:
    """WordPress's classic editor stores paragraphs as blank lines; give them <p> tags."""
    if "<!-- wp:" in body:
        return body
    body = AUTOP_OPEN.sub(r"\n\n\1", body.replace("\r\n", "\n"))
    body = AUTOP_CLOSE.sub(r"\1\n\n", body)
    chunks = re.split(r"\n\s*\n", body)
    out = []
    for chunk in chunks:
        if not chunk.strip():
            continue
        if AUTOP_BLOCK.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.strip().replace("\n", "<br/>\n") + "</p>")
    return "\n".join(out)


class BlockBuilder:
    """Collects blocks in order, merging runs of paragraphs and plain lists into one rich text."""

    def __init__(self, article: ParsedArticle, links: LinkRewriter) -> None:
        self.article = article
        self.links = links
        self.pending: list[str] = []
        self.ctas: list[dict] = []
        self.title = ""

    @property
    def blocks(self) -> list[dict]:
        return self.article.blocks

    def flush(self) -> None:
        if self.pending:
            self.blocks.append({"type": "paragraph", "html": "".join(self.pending)})
            self.pending = []

    def add(self, block: dict) -> None:
        self.flush()
        self.blocks.append(block)

    def add_paragraph(self, fragment: str) -> None:
        html = paragraph(fragment)
        if html:
            self.pending.append(html)

    # Walking -----------------------------------------------------------------------------------

    def walk(self, node: Tag) -> None:
        loose: list = []
        for child in list(node.children):
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString) or (
                isinstance(child, Tag) and child.name not in BLOCK_TAGS
            ):
                loose.append(child)
                continue
            self.loose(loose)
            loose = []
            self.element(child)
        self.loose(loose)

    def loose(self, nodes: list) -> None:
        if nodes:
            self.add_paragraph(inline_nodes(nodes, self.links))

    def element(self, tag: Tag) -> None:
        name = tag.name
        if name == "import-cta":
            self.add(self.ctas[int(tag["data-index"])])
        elif name in HEADINGS:
            self.heading(tag)
        elif name == "p":
            self.paragraph(tag)
        elif name in {"ul", "ol"}:
            self.list(tag)
        elif name == "blockquote":
            self.quote(tag)
        elif name in {"figure", "picture"}:
            self.figure(tag)
        elif name == "img":
            self.image(tag)
        elif name in {"iframe", "video", "audio"}:
            self.embed(tag)
        elif name == "table":
            self.table(tag)
        elif name == "pre":
            text = tag.get_text().strip("\n")
            if text.strip():
                self.add({"type": "code", "text": text})
        elif name == "hr":
            self.flush()
        elif name == "form":
            self.article.warn("a form in the body was left out (use the consultation form block)")
        elif name == "dl":
            self.definitions(tag)
        else:
            self.walk(tag)

    def heading(self, tag: Tag) -> None:
        text = clean(tag.get_text(" "))
        if not text or (tag.name == "h1" and text == self.title):
            return
        if tag.name in {"h5", "h6"}:
            self.article.warn(f"an {tag.name} heading was made an h4 (articles use h2 to h4)")
        self.add({"type": "heading", "text": text, "level": HEADING_LEVELS[tag.name]})

    def images_only(self, tag: Tag) -> bool:
        return bool(tag.find("img")) and not clean(tag.get_text(" "))

    def paragraph(self, tag: Tag) -> None:
        if self.images_only(tag):
            for image in tag.find_all("img"):
                self.image(image)
            return
        if tag.find(BLOCK_TAGS - {"p"}):
            self.walk(tag)
            return
        line = clean(tag.get_text(" "))
        if EMBED_LINE.match(line) and all(
            child.name == "a" for child in tag.children if isinstance(child, Tag)
        ):
            self.add({"type": "embed", "url": line})
            return
        term, rest = self.lead_term(tag)
        last = self.blocks[-1] if self.blocks and not self.pending else None
        if term and last is not None and last["type"] == "key_points":
            last["items"].append({"term": term, "html": rest})
            return
        self.add_paragraph(inline(tag, self.links))

    def lead_term(self, tag: Tag) -> tuple[str, str]:
        """'<b>Term:</b> text' -> ('Term', 'text'); ('', inline html) when there is no lead term."""
        children = [
            c for c in tag.children if not (isinstance(c, NavigableString) and not clean(str(c)))
        ]
        if (
            not children
            or not isinstance(children[0], Tag)
            or children[0].name
            not in {
                "b",
                "strong",
            }
        ):
            return "", tidy(inline(tag, self.links))
        bold = clean(children[0].get_text(" "))
        rest_nodes = children[1:]
        match = LEAD_TERM.match(bold)
        if match is None and rest_nodes and isinstance(rest_nodes[0], NavigableString):
            following = clean(str(rest_nodes[0]))
            if following.startswith(":"):
                match = LEAD_TERM.match(bold + ":")
                rest_nodes = [NavigableString(following[1:]), *rest_nodes[1:]]
        if match is None or len(match.group("term").split()) > 8:
            return "", tidy(inline(tag, self.links))
        return match.group("term"), tidy(inline_nodes(rest_nodes, self.links))

    def list(self, tag: Tag) -> None:
        items = tag.find_all("li", recursive=False)
        if not items:
            return
        parsed = [self.lead_term(item) for item in items]
        parsed = [(term, rest) for term, rest in parsed if term or rest]
        if not parsed:
            return
        with_terms = sum(1 for term, _ in parsed if term)
        nested = any(item.find(["ul", "ol"]) for item in items)
        # Steps only when the items are steps: two or more, (nearly) all with a lead term
        # ("<b>Name it:</b> ..."), nothing nested. Any other numbered list stays an ordered list.
        termed = with_terms and with_terms * 3 >= len(parsed) * 2 and not nested
        if tag.name == "ol" and termed and len(parsed) >= 2 and with_terms == len(parsed):
            self.add({"type": "steps", "items": [{"title": t, "html": rest} for t, rest in parsed]})
        elif tag.name == "ul" and termed:
            self.add(
                {"type": "key_points", "items": [{"term": t, "html": rest} for t, rest in parsed]}
            )
        else:
            self.pending.append(self.rich_list(tag))

    def rich_list(self, tag: Tag) -> str:
        """A list as rich text, nested lists kept inside their item."""
        lis = []
        for item in tag.find_all("li", recursive=False):
            nested = [
                child
                for child in item.children
                if isinstance(child, Tag) and child.name in {"ul", "ol"}
            ]
            for child in nested:
                child.extract()
            inner = tidy(inline(item, self.links))
            lis.append(f"<li>{inner}{''.join(self.rich_list(child) for child in nested)}</li>")
        return f"<{tag.name}>{''.join(lis)}</{tag.name}>"

    def quote(self, tag: Tag) -> None:
        who = source = ""
        cite = tag.find(["cite", "footer"])
        if cite is not None:
            who = clean(cite.get_text(" ")).lstrip("\u2014\u2013- ")
            cite.extract()
        paragraphs = [clean(p.get_text(" ")) for p in tag.find_all("p")] or [
            clean(tag.get_text(" "))
        ]
        paragraphs = [p for p in paragraphs if p]
        if not who and len(paragraphs) > 1 and re.match(r"^[\u2014\u2013-]\s*\S", paragraphs[-1]):
            who = paragraphs.pop().lstrip("\u2014\u2013- ")
        if "," in who:
            who, source = (part.strip() for part in who.split(",", 1))
        if paragraphs:
            self.add(
                {"type": "quote", "text": "\n\n".join(paragraphs), "who": who, "source": source}
            )

    def figure(self, tag: Tag) -> None:
        if "import-embed" in tokens(tag):
            self.add({"type": "embed", "url": tag.get("data-url", "")})
            return
        if "wp-block-embed" in tokens(tag) or any(
            t.startswith("wp-block-embed") for t in tokens(tag)
        ):
            url = clean(tag.get_text(" ")).split(" ")[0]
            if url.startswith(("http://", "https://")):
                self.add({"type": "embed", "url": url})
                return
        if "wp-block-table" in tokens(tag) and tag.find("table") is not None:
            self.table(tag.find("table"), tag.find("figcaption"))
            return
        inner_figures = tag.find_all("figure")
        if "wp-block-gallery" in tokens(tag) or len(inner_figures) > 1:
            self.gallery(tag)
            return
        if tag.find("blockquote"):
            self.quote(tag.find("blockquote"))
            return
        frame = tag.find(["iframe", "video"])
        if frame is not None:
            self.embed(frame)
            return
        images = tag.find_all("img")
        caption = tag.find("figcaption")
        caption_text = clean(caption.get_text(" ")) if caption else ""
        if not images:
            self.walk(tag)
            return
        for image in images:
            self.image(image, caption_text)

    def gallery(self, tag: Tag) -> None:
        """A gallery: each image with the caption of its own figure (never the first one's)."""
        pictures = []
        for image in tag.find_all("img"):
            src = image.get("src") or image.get("data-src") or ""
            if not src or src.startswith("data:"):
                continue
            own = image.find_parent(["figure", "li"])
            caption = own.find("figcaption") if own is not None and own is not tag else None
            pictures.append(
                {
                    "src": urljoin(self.links.base_url, src) if self.links.base_url else src,
                    "alt": clean(image.get("alt") or ""),
                    "caption": clean(caption.get_text(" ")) if caption else "",
                }
            )
        outer = tag.find("figcaption", recursive=False)
        if outer is not None and clean(outer.get_text(" ")):
            self.add_paragraph(inline(outer, self.links))
        if pictures:
            self.add({"type": "gallery", "images": pictures})

    def image(self, tag: Tag, caption: str = "") -> None:
        src = tag.get("src") or tag.get("data-src") or tag.get("data-lazy-src") or ""
        if not src or src.startswith("data:"):
            return
        src = urljoin(self.links.base_url, src) if self.links.base_url else src
        alt = clean(tag.get("alt") or "")
        if not alt:
            self.article.warn(f"image {src.rsplit('/', 1)[-1]} has no alt text")
        self.add({"type": "image", "src": src, "alt": alt, "caption": caption})

    def embed(self, tag: Tag) -> None:
        src = tag.get("src") or ""
        if not src and tag.find("source"):
            src = tag.find("source").get("src", "")
        if match := YOUTUBE_EMBED.search(src):
            self.add({"type": "embed", "url": f"https://www.youtube.com/watch?v={match.group(1)}"})
        elif match := VIMEO_EMBED.search(src):
            self.add({"type": "embed", "url": f"https://vimeo.com/{match.group(1)}"})
        else:
            host = urlsplit(src).netloc or "an unknown source"
            self.article.warn(f"embedded {tag.name} from {host} left out")

    def table(self, tag: Tag, caption: Tag | None = None) -> None:
        rows = []
        first = tag.find("tr")
        header = first is not None and all(
            cell.name == "th" for cell in first.find_all(["th", "td"])
        )
        for row in tag.find_all("tr"):
            cells = [clean(cell.get_text(" ")) for cell in row.find_all(["th", "td"])]
            if any(cells):
                rows.append(cells)
        if not rows:
            return
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        caption = caption or tag.find("caption")
        if any(cell.find("a") for cell in tag.find_all(["th", "td"])):
            self.article.warn("a table's links were kept as text (table cells hold plain text)")
        self.add(
            {
                "type": "table",
                "caption": clean(caption.get_text(" ")) if caption else "",
                "header": header,
                "rows": rows,
            }
        )

    def definitions(self, tag: Tag) -> None:
        items = []
        for term in tag.find_all("dt"):
            definition = term.find_next_sibling("dd")
            items.append(
                {
                    "term": clean(term.get_text(" ")),
                    "html": tidy(inline(definition, self.links)) if definition else "",
                }
            )
        if items:
            self.add({"type": "key_points", "items": items})


# Page-level reading ----------------------------------------------------------------------------


def meta(soup: BeautifulSoup, *names: str) -> str:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
        if tag is not None and clean(tag.get("content", "")):
            return clean(tag["content"])
    return ""


def parse_date(value: str) -> datetime | None:
    value = clean(value)
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def content_root(soup: BeautifulSoup) -> Tag:
    articles = soup.find_all("article")
    if articles:
        with_title = [a for a in articles if a.find("h1")]
        return max(with_title or articles, key=lambda a: len(a.get_text()))
    for selector in ("main", "[role=main]", ".entry-content", ".post-content", "#content", "body"):
        found = soup.select_one(selector)
        if found is not None:
            return found
    return soup


def is_cta_box(tag: Tag) -> bool:
    if tag.name not in {"aside", "div", "section"} or tag.find(HEADINGS - {"h3", "h4", "h5"}):
        return False
    if any(CONTENT_CLASS.match(token) for token in tokens(tag)):
        return False
    text = clean(tag.get_text(" "))
    if not text or len(text) > 600:
        return False
    if has_token(tag, CTA_CLASS):
        return True
    return tag.name == "aside" and bool(CTA_PHRASE.search(text))


def cta_from_box(tag: Tag, links: LinkRewriter) -> dict:
    heading = tag.find(HEADINGS)
    buttons = [a for a in tag.find_all("a") if clean(a.get_text(" "))]
    button = next((a for a in buttons if CTA_PHRASE.search(a.get_text(" "))), None) or (
        buttons[0] if buttons else None
    )
    href = links(button.get("href", "")) if button is not None else ""
    texts = [
        clean(p.get_text(" "))
        for p in tag.find_all("p")
        if not (button is not None and button in p.find_all("a")) and clean(p.get_text(" "))
    ]
    if href.startswith("tel:") or (not href and PHONE.search(clean(tag.get_text(" ")))):
        action = "phone"
    elif href:
        action = "booking"
    else:
        action = "link"
    phone = PHONE.search(unquote(href) if href.startswith("tel:") else clean(tag.get_text(" ")))
    return {
        "type": "cta",
        "phone": phone.group(0) if phone else "",
        "heading": clean(heading.get_text(" ")) if heading else "",
        "text": " ".join(texts),
        "label": clean(button.get_text(" ")) if button is not None else "",
        "url": href,
        "action": action,
    }


def find_author_box(root: Tag, soup: BeautifulSoup) -> Tag | None:
    for scope in (root, soup):
        for tag in scope.find_all(["div", "section", "aside", "footer"]):
            if has_token(tag, AUTHOR_CLASS) and clean(tag.get_text(" ")):
                return tag
    return None


def author_from_box(box: Tag, base_url: str):
    name_tag = box.find(class_=re.compile("author-?name|name", re.IGNORECASE)) or box.find(HEADINGS)
    image = box.find("img")
    name = clean(name_tag.get_text(" ")) if name_tag else ""
    if not name and image is not None:
        name = clean(image.get("alt", ""))
    paragraphs = [
        p.get_text(" ") for p in box.find_all("p") if name_tag is None or p is not name_tag
    ]
    if not name:
        return None
    src = urljoin(base_url, image.get("src", "")) if image is not None else ""
    return parse_author(name, paragraphs, src, image.get("alt", "") if image else "")


def remove_chrome(root: Tag, article: ParsedArticle) -> None:
    """Saved HTML pages only: drop the old site's frame, each removal reported on the article."""

    def drop(tag: Tag, why: str) -> None:
        text = clean(tag.get_text(" "))
        if text:
            article.warn(f"page chrome removed ({why}): {truncate(text, 80)!r}")
        tag.decompose()

    for tag in root.find_all(CHROME_TAGS):
        if not tag.decomposed:
            drop(tag, f"<{tag.name}>")
    for tag in root.find_all(True):
        if tag.decomposed:
            continue
        if tag.name == "aside" or has_token(tag, CHROME_CLASS):
            drop(tag, "aside" if tag.name == "aside" else "site frame")
    for tag in root.find_all(["p", "div", "ul", "li", "span", "small"]):
        if tag.decomposed or tag.find(HEADINGS):
            continue
        text = clean(tag.get_text(" "))
        if text and is_chrome_line(text):
            drop(tag, "footer line")


def strip_comments_and_code(soup: BeautifulSoup, article: ParsedArticle | None = None) -> None:
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(REMOVE_TAGS):
        if tag.decomposed or tag.name == "link" or tag.name == "meta":
            continue
        if article is not None and tag.name in {
            "script",
            "button",
            "input",
            "template",
            "noscript",
        }:
            article.warn(f"a <{tag.name}> was removed (pages here run no code from content)")
        tag.decompose()


def read_body(
    html: str, article: ParsedArticle, base_url: str = "", attachments: dict | None = None
) -> None:
    """A post body (WordPress content or a fragment) into the article's blocks.

    A post body is all content: the page-chrome rules of saved pages never run on it.
    """
    html, warnings = convert_shortcodes(html, attachments)
    for warning in warnings:
        article.warn(warning)
    warn_if_malformed(html, article)
    soup = BeautifulSoup(autop(html), "html.parser")
    strip_comments_and_code(soup, article)
    builder = BlockBuilder(article, LinkRewriter(base_url))
    builder.walk(soup)
    builder.flush()
    finish(article)


def read_page(text: str, source: str) -> ParsedArticle:
    """A whole saved page: metadata from <head>, the article, its CTA and author boxes."""
    article = ParsedArticle(source=source)
    text, warnings = convert_shortcodes(text)
    for warning in warnings:
        article.warn(warning)
    warn_if_malformed(text, article)
    soup = BeautifulSoup(text, "html.parser")
    if soup.find(True) is None:
        article.skip_reason = "no HTML elements found"
        return article
    strip_comments_and_code(soup)
    article.phones = phone_numbers(soup.get_text(" "))
    canonical = soup.find("link", rel="canonical")
    article.source_url = clean(canonical.get("href", "")) if canonical else ""
    article.source_url = article.source_url or meta(soup, "og:url")
    links = LinkRewriter(article.source_url)
    root = content_root(soup)
    h1 = root.find("h1") or soup.find("h1")
    title_tag = soup.find("title")
    page_title = clean(title_tag.get_text()) if title_tag else ""
    article.title = (
        clean(h1.get_text(" "))
        if h1
        else meta(soup, "og:title") or TITLE_SUFFIX.sub("", page_title)
    )
    article.summary = meta(soup, "description", "og:description", "twitter:description")
    hero = meta(soup, "og:image", "twitter:image")
    article.hero_src = urljoin(article.source_url, hero) if hero else ""
    time_tag = root.find("time", datetime=True)
    article.published_at = parse_date(
        meta(soup, "article:published_time", "date", "dc.date")
        or (time_tag["datetime"] if time_tag else "")
    )
    article.categories = [
        clean(a.get_text(" ")) for a in root.find_all("a", rel=re.compile("category"))
    ] or [clean(m["content"]) for m in soup.find_all("meta", property="article:section")]
    article.tags = [clean(a.get_text(" ")) for a in root.find_all("a", rel="tag")] or [
        clean(m["content"]) for m in soup.find_all("meta", property="article:tag")
    ]
    path = urlsplit(article.source_url).path.strip("/")
    article.slug = make_slug(path.rsplit("/", 1)[-1]) if path else ""

    box = find_author_box(root, soup)
    if box is not None:
        article.author = author_from_box(box, article.source_url)
        box.decompose()
    builder = BlockBuilder(article, links)
    builder.title = article.title
    if h1 is not None:
        h1.decompose()
    for header in root.find_all("header"):
        text = clean(header.get_text(" "))
        if text:
            article.warn(f"page chrome removed (<header>): {truncate(text, 80)!r}")
        header.decompose()
    for tag in root.find_all(["aside", "div", "section"]):
        if not tag.decomposed and is_cta_box(tag):
            placeholder = soup.new_tag("import-cta")
            placeholder["data-index"] = str(len(builder.ctas))
            builder.ctas.append(cta_from_box(tag, links))
            tag.replace_with(placeholder)
    remove_chrome(root, article)
    builder.walk(root)
    builder.flush()
    finish(article)
    return article


def finish(article: ParsedArticle) -> None:
    """Fill what the source left out: slug, summary; note an empty body."""
    article.title = article.title or ""
    if not article.slug and article.title:
        article.slug = make_slug(article.title)
    if not article.summary:
        first = next((b for b in article.blocks if b["type"] == "paragraph"), None)
        if first is not None:
            article.summary = truncate(plain(first["html"].split("</p>", 1)[0]), 300)
    if not article.blocks:
        article.warn("the body is empty")
