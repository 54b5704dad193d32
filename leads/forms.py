"""The one set of validation rules for a consultation request, shared by the HTML form and the API.

Every rule answers with a message a person can act on; nothing here ever raises past `is_valid()`.
"""

from __future__ import annotations

import unicodedata

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError

from .models import Lead

MESSAGE_MAX_LENGTH = 1000
MESSAGE_HINT = (
    "Optional, up to 1000 characters. Please do not include clinical or health details here: "
    "we will talk about what brings you in when we speak."
)
CONSENT_LABEL = (
    "I agree that the practice stores these details to answer my request, as described in the "
    "privacy policy."
)


def _control_characters(value: str, allowed: str = "") -> bool:
    return any(unicodedata.category(char) == "Cc" and char not in allowed for char in value)


class SingleLineField(forms.CharField):
    """A one-line text value: no line breaks, no NUL or other control characters."""

    default_error_messages = {
        "line_break": "Please keep this on one line (remove the line break).",
        "control": "This contains an invisible control character; please retype it.",
    }

    def to_python(self, value):
        if isinstance(value, str):
            if "\r" in value or "\n" in value:
                raise ValidationError(self.error_messages["line_break"], code="line_break")
            if _control_characters(value, allowed="\t"):
                raise ValidationError(self.error_messages["control"], code="control")
        return super().to_python(value)


class MultiLineField(forms.CharField):
    """Free text over several lines; NUL and other control characters are refused."""

    default_error_messages = {
        "control": "This contains an invisible control character; please retype it.",
    }

    def to_python(self, value):
        if isinstance(value, str) and _control_characters(value, allowed="\t\r\n"):
            raise ValidationError(self.error_messages["control"], code="control")
        return super().to_python(value)


class SingleLineEmailField(SingleLineField, forms.EmailField):
    """An email address on one line."""


class LeadForm(forms.Form):
    """A consultation request: what the person tells us, plus where the request came from."""

    name = SingleLineField(
        label="Your name",
        max_length=120,
        error_messages={"required": "Please tell us your name."},
    )
    email = SingleLineEmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Please give an email address so we can reply.",
            "invalid": "Please enter an email address like name@example.com.",
        },
    )
    phone = SingleLineField(
        label="Phone number",
        max_length=32,
        required=False,
        help_text="US number, e.g. (408) 555-0142. Needed if you prefer a call or a text.",
    )
    preferred_contact = forms.ChoiceField(
        label="How should we contact you?",
        choices=Lead.ContactMethod.choices,
        required=False,
        initial=Lead.ContactMethod.PHONE,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Please choose phone, email or text."},
    )
    preferred_times = SingleLineField(
        label="Best times to reach you",
        max_length=200,
        required=False,
        help_text="Optional, e.g. weekday evenings.",
    )
    message = MultiLineField(
        label="Anything you would like us to know",
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        help_text=MESSAGE_HINT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    consent = forms.BooleanField(
        label=CONSENT_LABEL,
        error_messages={"required": "Please tick the box to let us store your request."},
    )

    # Attribution, filled by the page that shows the form (hidden inputs) or the API client.
    source_page = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )
    block_id = SingleLineField(max_length=64, required=False, widget=forms.HiddenInput)
    utm_source = SingleLineField(max_length=100, required=False, widget=forms.HiddenInput)
    utm_medium = SingleLineField(max_length=100, required=False, widget=forms.HiddenInput)
    utm_campaign = SingleLineField(max_length=100, required=False, widget=forms.HiddenInput)
    referrer = SingleLineField(max_length=2000, required=False, widget=forms.HiddenInput)

    # Spam layers: a field people never see, the signed time the form was shown, reCAPTCHA.
    website = SingleLineField(
        label="Leave this field empty",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = SingleLineField(max_length=200, required=False, widget=forms.HiddenInput)
    recaptcha_token = SingleLineField(max_length=4000, required=False, widget=forms.HiddenInput)

    #: The fields a visitor fills in, in display order (the rest are hidden or machine-filled).
    visible_fields_order = (
        "name",
        "email",
        "phone",
        "preferred_contact",
        "preferred_times",
        "message",
        "consent",
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        local, _, domain = email.rpartition("@")
        return f"{local}@{domain.lower()}"

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone", "")
        if not raw:
            return ""
        try:
            number = phonenumbers.parse(raw, "US")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError(
                "Please enter a valid phone number, e.g. (408) 555-0142 or +1 408 555 0142.",
                code="invalid_phone",
            )
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def clean_preferred_contact(self) -> str:
        return self.cleaned_data.get("preferred_contact") or Lead.ContactMethod.PHONE

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("preferred_contact")
        if (
            method in {Lead.ContactMethod.PHONE, Lead.ContactMethod.TEXT}
            and "phone" not in self.errors
            and not cleaned.get("phone")
        ):
            self.add_error(
                "phone",
                ValidationError(
                    "Please give a phone number so we can call or text you, or choose email.",
                    code="phone_required",
                ),
            )
        return cleaned

    def field_errors(self) -> dict[str, list[str]]:
        """Errors as {field: [message, ...]}, for the API and the error summary."""
        return {field: [str(error) for error in errors] for field, errors in self.errors.items()}
