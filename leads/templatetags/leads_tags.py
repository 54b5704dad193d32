"""`{% consultation_form %}`: the consultation form inside any page or block template."""

from django import template

from leads.views import consultation_form_context

register = template.Library()


@register.inclusion_tag("includes/consultation_form.html", takes_context=True)
def consultation_form(context, source_page=None, block_id="", heading="", intro=""):
    """Render the consultation form for a page (or a block inside it): a page the content cache
    may share between visitors, so nothing of this visitor goes into it."""
    values = consultation_form_context(
        context.get("request"),
        source_page=source_page or context.get("page"),
        block_id=str(block_id or ""),
        heading=heading,
        intro=intro,
        shared=True,
    )
    # Site settings (the privacy policy link) come from the page's context processors.
    values["settings"] = context.get("settings")
    return values
