"""Reusable content edited once and used on many pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel

from cms.headless.representation import page_representation
from home.actions import Action, Emphasis, ResolvedAction, resolve_action


class CallToAction(models.Model):
    """A call to action ("Call for a free consultation") reused across pages and the header."""

    name = models.CharField(
        max_length=120,
        unique=True,
        help_text="For editors only, e.g. 'Free consultation by phone'.",
    )
    heading = models.CharField(max_length=160, help_text="The line readers see first.")
    text = models.TextField(
        blank=True, max_length=400, help_text="One or two sentences under the heading."
    )
    action = models.CharField(
        max_length=16,
        choices=Action.choices,
        default=Action.CALL,
        help_text="What the button does. Phone and booking address come from the practice "
        "settings, so they stay right when they change.",
    )
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Only for 'Go to a page on this site'.",
    )
    button_label = models.CharField(
        max_length=60,
        blank=True,
        help_text="Leave empty for a default such as 'Call (408) 555-0142'.",
    )
    emphasis = models.CharField(
        max_length=16,
        choices=Emphasis.choices,
        default=Emphasis.STANDARD,
        help_text="How strongly the page should invite this action.",
    )

    panels = [
        FieldPanel("name"),
        MultiFieldPanel([FieldPanel("heading"), FieldPanel("text")], heading="What readers see"),
        MultiFieldPanel(
            [
                FieldPanel("action"),
                PageChooserPanel("link_page"),
                FieldPanel("button_label"),
                FieldPanel("emphasis"),
            ],
            heading="Button",
        ),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = "call to action"
        verbose_name_plural = "calls to action"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.action == Action.PAGE and self.link_page_id is None:
            raise ValidationError({"link_page": "Choose the page the button opens."})

    def resolve(self, practice: Any) -> ResolvedAction:
        return resolve_action(
            self.action, practice, page=self.link_page, button_label=self.button_label
        )

    def api_representation(self, context: dict) -> dict[str, Any]:
        """Public fields with the resolved button; the internal name is left out."""
        from home.blocks import practice_for

        button = self.resolve(practice_for(context))
        return {
            "heading": self.heading,
            "text": self.text,
            "action": self.action,
            "page": page_representation(self.link_page),
            "button": {"href": button.href, "label": button.label},
            "emphasis": self.emphasis,
        }
