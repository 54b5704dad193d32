"""Where each imported page or file came from, so a re-run finds it again and merges nothing."""

from __future__ import annotations

from django.db import models


class ImportedItem(models.Model):
    """One source item (WordPress post, page or attachment, HTML or text file) and what it became.

    The importer matches on (source, kind, source_id) only: two posts that share a guid or a slug
    stay two pages. `content_hash` is the parsed item's fingerprint, so an unchanged item is left
    untouched; `revision` is the revision the import saved, so an editor's later edit is noticed.
    """

    source = models.CharField(
        max_length=255, help_text="The old site's address, or the file name when it has none."
    )
    kind = models.CharField(max_length=40, help_text="post, page, attachment, html or text.")
    source_id = models.CharField(max_length=255, help_text="The WordPress id, or the file's URL.")
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_hash = models.CharField(max_length=64, blank=True)
    url = models.TextField(blank=True, help_text="Where the item was on the old site.")
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="blog_imported_item_identity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id} from {self.source}"
