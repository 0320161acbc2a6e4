"""The site's form renderer writes what Django's widget templates write, byte for byte."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from config.renderers import FormRenderer

GROUPED = [
    ("", "– kies –"),
    ("Samenwerken & <verbinden>", [(1, "Netwerken"), (2, mark_safe("<b>Vet</b>"))]),
    ("Leiden", [(3, gettext_lazy("Rol")), (4, 'Aanhalingsteken "en" ampersand &')]),
    (5, Decimal("1.5")),
    (6, 7),
]


class OwnOption(forms.Select):
    option_template_name = "django/forms/widgets/radio_option.html"


CASES = [
    (forms.Select(choices=GROUPED), "keuze", 3),
    (forms.Select(choices=GROUPED), "keuze", None),
    (forms.Select(choices=GROUPED, attrs={"autofocus": True, "hidden": False}), "x", "5"),
    (forms.SelectMultiple(choices=GROUPED), "meer", [1, 4]),
    (forms.NullBooleanSelect(), "ja", True),
    (OwnOption(choices=[(1, "een")]), "eigen", 1),
    (forms.TextInput(attrs={"aria-describedby": 'a"b', "required": True}), "t", "<script>"),
    (forms.TextInput(), "t", None),
    (forms.TextInput(), "t", ""),
    (forms.NumberInput(attrs={"step": "0.5"}), "n", Decimal("16.5")),
    (forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "d", datetime.date(2026, 1, 2)),
    (forms.EmailInput(), "e", "a&b@example.org"),
    (forms.HiddenInput(), "h", 42),
    (forms.CheckboxInput(), "c", True),
    (forms.CheckboxInput(), "c", False),
    (forms.Textarea(attrs={"rows": 2}), "ta", "regel 1\n<regel 2>"),
    (forms.Textarea(), "ta", ""),
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(("widget", "name", "value"), CASES)
def test_same_html_as_the_templates(widget, name, value, language):
    attrs = {"id": f"id_{name}", "class": "utrecht-select"}
    with translation.override(language):
        expected = widget.render(name, value, attrs=attrs, renderer=DjangoTemplates())
        assert widget.render(name, value, attrs=attrs, renderer=FormRenderer()) == expected


def test_the_site_uses_it():
    assert settings.FORM_RENDERER == "config.renderers.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)


def test_forms_still_render_through_templates():
    class Form(forms.Form):
        name = forms.CharField(label="Naam", help_text="<uitleg>")
        kind = forms.ChoiceField(choices=GROUPED)

    form = Form({"name": "x", "kind": "9"})
    assert form.render(renderer=FormRenderer()) == form.render(renderer=DjangoTemplates())
