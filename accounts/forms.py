"""The one-field forms of two-factor sign-in: a code from the app, or a recovery code."""

from django import forms


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app, or one of the account's recovery codes."""

    code = forms.CharField(
        label="Code",
        max_length=16,
        strip=True,
        help_text="The 6-digit code your authenticator app shows now, or a recovery code.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        error_messages={"required": "Please enter the code from your authenticator app."},
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].replace(" ", "").replace("-", "").lower()


class EnrolForm(forms.Form):
    """The first code from a newly added authenticator app, proving it was set up."""

    code = forms.RegexField(
        label="Code from the app",
        regex=r"^\s*\d{6}\s*$",
        help_text="Enter the 6-digit code the app now shows for this account.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={
            "required": "Please enter the 6-digit code from your authenticator app.",
            "invalid": "The code is 6 digits, e.g. 123456.",
        },
    )
