"""Admin forms of the practice's site: the page form every page type uses (the image form is in
image_forms.py: Wagtail's image forms cannot be imported while models load)."""

from __future__ import annotations

from wagtail.admin.forms import WagtailAdminPageForm


class PracticePageForm(WagtailAdminPageForm):
    """The page form of every page type. A draft (and so every autosave) may leave the slug empty
    (the page fills it from the title) and leave required inline rows that are still untouched
    (the empty author row of a new article) for publishing to check.

    Wagtail defers most required fields for drafts but not these, so autosave failed with "There
    are validation errors" as soon as an editor typed a title on a new page, before the title
    field's blur had copied it into the slug.

    An untouched row is one never saved (no id) that the editor has not filled in, wherever it
    sits in the formset. After an autosave, Wagtail's field updates count every row as initial
    (INITIAL_FORMS = TOTAL_FORMS) and give ids only to the rows it saved, so from the second
    autosave on, the set-aside row comes back as an initial row without an id; modelcluster's
    formsets treat such a row as new (saved as new when filled in). Looking past
    initial_form_count() alone missed it: the second autosave of a new article failed.
    """

    def defer_required_fields(self):
        if self.is_deferred_validation:
            return
        super().defer_required_fields()
        if "slug" in self.fields and self.fields["slug"].required:
            self.fields["slug"].required = False
            self.deferred_required_fields.append("slug")
        self._set_aside_rows = {}
        for name, formset in self.formsets.items():
            untouched = [
                form
                for form in formset.forms
                if form.instance._state.adding and not set(form.changed_data) - {"ORDER", "DELETE"}
            ]
            if untouched:
                self._set_aside_rows[name] = list(formset.forms)
                formset.forms[:] = [form for form in formset.forms if form not in untouched]

    def restore_required_fields(self):
        for name, forms in getattr(self, "_set_aside_rows", {}).items():
            self.formsets[name].forms[:] = forms
        self._set_aside_rows = {}
        super().restore_required_fields()
