"""The practice's own look: its brand colour, checked for contrast, served as a small stylesheet.

Public pages allow styles only from the site itself (CSP ``style-src 'self'``), so the colour is
not written into a ``style`` attribute: ``brand_css`` builds a stylesheet served same-origin at
``/brand.css`` (see ``home.views.brand_stylesheet``).
"""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# What the colour sits on or carries: white button text, and the page background for links.
WHITE = "#ffffff"
PAGE_BACKGROUND = "#fbfaf7"
MIN_CONTRAST = 4.5  # WCAG 2.2 AA, normal-size text


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.03928 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#rrggbb`` colour."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def contrast_problems(colour: str) -> list[str]:
    """Why ``colour`` cannot be the brand colour (empty when it reads well as buttons and links)."""
    if not HEX_COLOUR.match(colour or ""):
        return ["Enter the colour as # and six hex digits, e.g. #0b5d57."]
    problems = []
    for background, where in ((WHITE, "white button text"), (PAGE_BACKGROUND, "the page")):
        ratio = contrast_ratio(colour, background)
        if ratio < MIN_CONTRAST:
            problems.append(
                f"{colour} against {where} has a contrast of {ratio:.1f}:1; at least "
                f"{MIN_CONTRAST}:1 is needed to be readable (WCAG AA). Choose a darker shade."
            )
    return problems


def darker(colour: str, factor: float = 0.7) -> str:
    """The same hue, darker: the hover state of buttons and links."""
    red, green, blue = (int(int(colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{red:02x}{green:02x}{blue:02x}"


def brand_css(colour: str) -> str:
    """The stylesheet that gives the site the practice's colour (the default's when invalid)."""
    if contrast_problems(colour):
        return ""
    return f":root {{ --accent: {colour.lower()}; --accent-dark: {darker(colour.lower())}; }}\n"
