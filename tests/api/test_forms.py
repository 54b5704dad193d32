"""`GET /api/v2/forms/consultation/` describes the very form the HTML page shows."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.conf import settings

from home.models import PracticeSettings

pytestmark = pytest.mark.django_db


class FormPage(HTMLParser):
    """The consultation form's inputs, labels and help texts, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, list[dict]] = {}
        self.labels: dict[str, str] = {}
        self.texts: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self._open: list[tuple[str, str]] = []  # (kind, key) collecting text
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "consultation-form__form" in (attrs.get("class") or ""):
            self._in_form = True
        if tag in {"input", "textarea"} and self._in_form and attrs.get("name"):
            self.inputs.setdefault(attrs["name"], []).append({"tag": tag, **attrs})
        if tag == "label" and attrs.get("for"):
            self._open.append(("label", attrs["for"]))
        elif tag == "legend":
            self._open.append(("legend", "legend"))
        elif tag == "div" and attrs.get("class") == "helptext":
            self._open.append(("help", attrs["id"]))
        elif tag == "a":
            self._open.append(("link", attrs.get("href", "")))
        elif tag in {"button", "h1", "p"}:
            self._open.append((tag, attrs.get("class", "") or tag))
        else:
            return
        self.texts.setdefault(self._open[-1][1], "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        if self._open and tag in {"label", "legend", "div", "a", "button", "h1", "p"}:
            kind, key = self._open.pop()
            text = " ".join(self.texts[key].split())
            if kind == "label":
                self.labels[key] = text
            elif kind == "link":
                self.links[text] = key
            self.texts[key] = text

    def handle_data(self, data):
        for _kind, key in self._open:
            self.texts[key] += data


def _page(client, path: str) -> FormPage:
    response = client.get(path)
    assert response.status_code == 200
    page = FormPage()
    page.feed(response.content.decode())
    return page


def test_the_form_endpoint_matches_the_html_form_field_for_field(client, site_content, validator):
    practice = PracticeSettings.load_default()
    practice.privacy_policy_page = site_content["index"]
    practice.save()
    response = client.get("/api/v2/forms/consultation/")
    assert response.status_code == 200
    form = response.json()
    schema = validator.operation_schema("/api/v2/forms/consultation/")
    assert validator.errors(schema, form) == []
    html = _page(client, "/consultation/")

    described = {field["name"]: field for field in form["fields"]}
    # Every input of the HTML form is described, except its own machinery (the start-time
    # token); the reCAPTCHA token's input is there only while reCAPTCHA is on.
    assert not form["recaptcha"]["enabled"]
    described_inputs = set(described) - {"recaptcha_token"}
    assert set(html.inputs) - {"started"} == described_inputs
    for name in described_inputs:
        field = described[name]
        inputs = html.inputs[name]
        first = inputs[0]
        kind = "textarea" if first["tag"] == "textarea" else first["type"]
        assert field["input_type"] == kind, name
        assert field["required"] == ("required" in first), name
        if kind == "hidden":
            continue  # filled by the page (attribution): no label, and HTML shows no limit
        max_length = first.get("maxlength")
        assert field["max_length"] == (int(max_length) if max_length else None), name
        if kind == "radio":
            assert field["label"] == html.texts["legend"]
            choices = [
                {"value": item["value"], "label": html.labels[item["id"]]} for item in inputs
            ]
            assert field["choices"] == choices
            checked = [item["value"] for item in inputs if "checked" in item]
            assert [field["initial"]] == checked
            continue
        label = html.labels[first["id"]].removesuffix(":")
        assert field["label"] == label, name
        help_id = first.get("aria-describedby")
        assert field["help_text"] == (html.texts[help_id] if help_id else ""), name

    # The conditional rule is the form's: phone needed for a call or a text, not for email.
    rule = described["phone"]["required_when"]
    assert rule["field"] == "preferred_contact"
    assert set(rule["in"]) == {"phone", "text"}
    base = {"name": "Ana", "email": "ana@example.com", "consent": True}
    for method in ("phone", "text", "email"):
        posted = client.post(
            form["action"], {**base, "preferred_contact": method}, content_type="application/json"
        )
        if method in rule["in"]:
            assert posted.status_code == 400
            assert posted.json()["errors"]["phone"] == [rule["message"]]
        else:
            assert posted.status_code == 201, posted.content

    consent = form["consent"]
    assert consent["text"] == html.labels[html.inputs["consent"][0]["id"]]
    assert consent["version"] == settings.LEADS_CONSENT_VERSION
    assert html.links[consent["privacy_link"]] == consent["privacy_url"] == "/articles/"
    assert form["submit_label"] == html.texts["consultation-form__submit"]
    assert form["privacy_note"] == html.texts["consultation-form__privacy"]

    thanks = client.get("/consultation/thanks/").content.decode()
    assert f'<h1 id="thanks-heading">{form["thank_you"]["heading"]}</h1>' in thanks
    assert f"<p>{form['thank_you']['text']}</p>" in thanks


def test_the_form_endpoint_refuses_unknown_parameters(client, site_content):
    response = client.get("/api/v2/forms/consultation/", {"fields": "*"})
    assert response.status_code == 400
    assert "fields" in response.json()["message"]
