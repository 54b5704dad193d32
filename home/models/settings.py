import phonenumbers
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The site's front page: the practice's welcome and its way in to articles and contact."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    template = "pages/home_page.html"
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1


@register_setting(icon="site")
class PracticeSettings(BaseSiteSetting):
    """The practice's public contact details, stored once and used by every page and the API."""

    practice_name = models.CharField(max_length=120, default="Counselling practice")
    phone = models.CharField(
        max_length=32,
        blank=True,
        help_text="The practice phone, as visitors should read it, e.g. (408) 555-0142.",
    )
    email = models.EmailField(blank=True, help_text="Public contact email address.")
    crisis_notice = models.CharField(
        max_length=255,
        blank=True,
        default="If you are in crisis, call or text 988 (Suicide & Crisis Lifeline).",
        help_text="Shown on every page. Leave empty to hide it.",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("practice_name"), FieldPanel("phone"), FieldPanel("email")],
            heading="Contact",
        ),
        FieldPanel("crisis_notice"),
    ]

    class Meta:
        verbose_name = "Practice settings"

    def __str__(self) -> str:
        return self.practice_name

    @property
    def phone_e164(self) -> str:
        """The phone in E.164 (+14085550142), or empty when it does not parse as a number."""
        if not self.phone:
            return ""
        try:
            number = phonenumbers.parse(self.phone, "US")
        except phonenumbers.NumberParseException:
            return ""
        if not phonenumbers.is_possible_number(number):
            return ""
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    @property
    def phone_href(self) -> str:
        return f"tel:{self.phone_e164}" if self.phone_e164 else ""
