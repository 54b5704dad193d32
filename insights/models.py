"""Daily counts of page views and CTA clicks: numbers per page and day, never a visitor."""

from django.db import models


class PageViewDay(models.Model):
    """How often a page was read on one day, and where its readers came from (kinds only)."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(db_index=True)
    views = models.PositiveIntegerField(default=0)
    search = models.PositiveIntegerField(default=0)
    social = models.PositiveIntegerField(default=0)
    direct = models.PositiveIntegerField(default=0)
    internal = models.PositiveIntegerField(default=0)
    other = models.PositiveIntegerField("other sites", default=0)
    campaign = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "day"], name="insights_view_page_day")
        ]
        ordering = ["-day"]
        permissions = [("view_insights", "Can see the Articles and requests report")]

    def __str__(self) -> str:
        return f"{self.views} views of page {self.page_id} on {self.day}"


class CampaignSourceDay(models.Model):
    """Views of a page on one day that arrived from a campaign link, by its UTM source."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(db_index=True)
    utm_source = models.CharField(max_length=50, blank=True)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["page", "day", "utm_source"], name="insights_source_page_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.views} views from {self.utm_source or 'a campaign'} on {self.day}"


class CtaClickDay(models.Model):
    """Clicks on one call to action (a CTA block, by its id) of a page on one day."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(db_index=True)
    cta = models.CharField("CTA block id", max_length=64)
    action = models.CharField(max_length=16)
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["page", "day", "cta", "action"], name="insights_click_page_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clicks} clicks on CTA {self.cta} of page {self.page_id} on {self.day}"


class FlushedBatch(models.Model):
    """A Redis batch already written to the daily rows: a batch retried is never counted twice."""

    name = models.CharField(max_length=100, unique=True)
    flushed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.name
