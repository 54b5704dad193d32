"""Wagtail's "add page" view, without its 500 when two saves of one new page cross.

The create form checks that the slug is free, then saves; the page's own `full_clean` checks
again inside `add_child`. When another save of the same page lands between the two (the editor
clicks "Save draft" while autosave is sending the same form, or two editors add the same
title), Wagtail's view lets the page's ValidationError escape: a server error, and the editor's
form is gone. (Two saves at the very same moment meet the same check: the tree locks the parent
row while it adds a child, so the second waits for the first and then sees its page.) Here the
save is one transaction and that error comes back as the form with the reason on the slug field
(autosave gets its JSON validation error), so the editor keeps what they wrote and can change
the slug or open the page that was saved.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.admin.views.pages.create import CreateView


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class CreatePageView(CreateView):
    """Wagtail's view for every page type (installed on its default page viewset by
    `cms.serving.patches.install_create_page_view`)."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ValidationError as error:
            _add_errors(form, error)
        form.restore_required_fields()
        return self.form_invalid(form)
