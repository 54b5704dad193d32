from django import template

register = template.Library()


@register.inclusion_tag("includes/consultation_form.html", takes_context=True)
def consultation_form(context, source_page=None, block_id="", heading="", intro=""):
    """Render the consultation form for a page (or a block inside it)."""
    return {
        "request": context.get("request"),
        "source_page": source_page or context.get("page"),
        "block_id": block_id,
        "heading": heading,
        "intro": intro,
    }
