"""The one set of validation rules for a consultation request, shared by the HTML form and the API.

The form's fields, their order, labels, lengths and help come from the declaration in fields.py;
what only the HTML form needs (error messages, widgets) is `FORM_OPTIONS` below. Every rule answers
with a message a person can act on; nothing here ever raises past `is_valid()`.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError

from .fields import INTAKE_FIELDS, PERSON_FIELDS, Kind, LeadField, Source
from .models import Lead


def _control_characters(value: str, allowed: str = "") -> bool:
    return any(unicodedata.category(char) == "Cc" and char not in allowed for char in value)


BROKEN_MESSAGE = (
    "This contains a broken character (part of an emoji was cut off); please retype it."
)


def _broken_characters(value: str) -> bool:
    """A lone UTF-16 surrogate (a JavaScript client that cut text mid-emoji sends one): no
    database or page can store it."""
    return any("\ud800" <= char <= "\udfff" for char in value)


class SingleLineField(forms.CharField):
    """A one-line text value: no line breaks, no NUL or other control characters."""

    default_error_messages = {
        "line_break": "Please keep this on one line (remove the line break).",
        "control": "This contains an invisible control character; please retype it.",
        "broken": BROKEN_MESSAGE,
    }

    def to_python(self, value):
        if isinstance(value, str):
            if _broken_characters(value):
                raise ValidationError(self.error_messages["broken"], code="broken")
            if "\r" in value or "\n" in value:
                raise ValidationError(self.error_messages["line_break"], code="line_break")
            if _control_characters(value, allowed="\t"):
                raise ValidationError(self.error_messages["control"], code="control")
        return super().to_python(value)


class MultiLineField(forms.CharField):
    """Free text over several lines; NUL and other control characters are refused."""

    default_error_messages = {
        "control": "This contains an invisible control character; please retype it.",
        "broken": BROKEN_MESSAGE,
    }

    def to_python(self, value):
        if isinstance(value, str) and _broken_characters(value):
            raise ValidationError(self.error_messages["broken"], code="broken")
        if isinstance(value, str) and _control_characters(value, allowed="\t\r\n"):
            raise ValidationError(self.error_messages["control"], code="control")
        return super().to_python(value)


class SingleLineEmailField(SingleLineField, forms.EmailField):
    """An email address on one line."""


FIELD_CLASSES: dict[Kind, type[forms.Field]] = {
    Kind.LINE: SingleLineField,
    Kind.EMAIL: SingleLineEmailField,
    Kind.TEXT: MultiLineField,
    Kind.CHOICE: forms.ChoiceField,
    Kind.CONSENT: forms.BooleanField,
    Kind.PAGE: forms.IntegerField,
}
# A page id is a positive 32-bit integer, as the database stores it.
KIND_OPTIONS: dict[Kind, dict[str, Any]] = {Kind.PAGE: {"min_value": 1, "max_value": 2**31 - 1}}


class TelInput(forms.TextInput):
    """A phone number input: phones show the dial pad, browsers offer the saved number."""

    input_type = "tel"


#: What only the HTML form adds to a declared field, by name (as a ModelForm's Meta would):
#: error messages, and input types and autocomplete hints so a phone offers the right keyboard
#: and the person's saved details.
FORM_OPTIONS: dict[str, dict[str, Any]] = {
    "name": {
        "widget": forms.TextInput(attrs={"autocomplete": "name"}),
        "error_messages": {"required": "Please tell us your name."},
    },
    "email": {
        "widget": forms.EmailInput(
            attrs={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"}
        ),
        "error_messages": {
            "required": "Please give an email address so we can reply.",
            "invalid": "Please enter an email address like name@example.com.",
        },
    },
    "phone": {"widget": TelInput(attrs={"autocomplete": "tel", "inputmode": "tel"})},
    "preferred_contact": {
        "initial": Lead.ContactMethod.PHONE,
        "widget": forms.RadioSelect,
        "error_messages": {"invalid_choice": "Please choose phone, email or text."},
    },
    "message": {"widget": forms.Textarea(attrs={"rows": 5})},
    "consent": {
        "error_messages": {"required": "Please tick the box to let us store your request."},
    },
    # The honeypot is a text input people never see (bots fill it in); the rest are hidden.
    "website": {"widget": forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})},
}


#: Contact methods that need a phone number (the form's conditional rule, also in the API).
PHONE_REQUIRED_FOR: tuple[str, ...] = (Lead.ContactMethod.PHONE, Lead.ContactMethod.TEXT)
PHONE_REQUIRED_MESSAGE = "Please give a phone number so we can call or text you, or choose email."

#: The words around the fields, shared by the HTML form, the thank-you page and the API.
FORM_TEXT: dict[str, str] = {
    "heading": "Request a free consultation",
    "submit": "Send my request",
    "privacy_link": "Read the privacy policy",
    "privacy_link_note": "what we keep, why and for how long.",
    "privacy_note": "Free, secure and private. We only use these details to answer you.",
    "thank_you_heading": "Thank you, your request has been sent",
    "thank_you": (
        "We have received your request for a free consultation and will be in touch, usually "
        "within one working day, in the way you asked."
    ),
}


def form_field(field: LeadField) -> forms.Field:
    """The form field for a declared intake field."""
    options: dict[str, Any] = {"required": field.required}
    if field.label:
        options["label"] = field.label
    if field.help_text:
        options["help_text"] = field.help_text
    if field.max_length:
        options["max_length"] = field.max_length
    if field.choices:
        options["choices"] = field.choices
    if field.source is not Source.PERSON:
        # Attribution is filled by the page showing the form; spam layers by the form itself.
        options["widget"] = forms.HiddenInput
    options.update(KIND_OPTIONS.get(field.kind, {}))
    options.update(FORM_OPTIONS.get(field.name, {}))
    return FIELD_CLASSES[field.kind](**options)


# The declared fields, in declaration order: what the person tells us, where the request came
# from (hidden inputs or the API client), and the spam layers.
_LeadFormFields = type(
    "_LeadFormFields",
    (forms.Form,),
    {"__module__": __name__, **{field.name: form_field(field) for field in INTAKE_FIELDS}},
)


class LeadForm(_LeadFormFields):
    """A consultation request: what the person tells us, plus where the request came from."""

    #: The fields a visitor fills in, in display order (the rest are hidden or machine-filled).
    visible_fields_order = tuple(field.name for field in PERSON_FIELDS)

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
        if method in PHONE_REQUIRED_FOR and "phone" not in self.errors and not cleaned.get("phone"):
            self.add_error("phone", ValidationError(PHONE_REQUIRED_MESSAGE, code="phone_required"))
        return cleaned

    def field_errors(self) -> dict[str, list[str]]:
        """Errors as {field: [message, ...]}, for the API and the error summary."""
        return {field: [str(error) for error in errors] for field, errors in self.errors.items()}
