"""Bring existing articles over: parse saved HTML pages, plain-text articles and WordPress exports.

The parsers (`html`, `text`, `wxr`) turn a source into `ParsedArticle`s: metadata plus a list of
intermediate block dicts, independent of the page models. `pages` maps those into `BlogPage`s.
"""

from .article import ParsedArticle, ParsedAuthor
from .sources import detect_kind, parse_path

__all__ = ["ParsedArticle", "ParsedAuthor", "detect_kind", "parse_path"]
