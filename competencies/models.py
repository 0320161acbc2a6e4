"""Catalogues: competency groups, competencies and roles.

Catalogue entries carry their name and description in Dutch and English; they are
data that a functional administrator edits, seeded by a data migration.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """Competency level, shared by profiles, role requests and learning goals."""

    DEVELOPING = 1, _("1 – in ontwikkeling")
    INDEPENDENT = 2, _("2 – zelfstandig")
    ADVANCED = 3, _("3 – gevorderd")
    EXPERT = 4, _("4 – expert")


class BilingualEntry(models.Model):
    """A catalogue entry named in Dutch and English; `name` follows the active language."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name_nl = models.CharField(_("naam (Nederlands)"), max_length=200)
    name_en = models.CharField(_("naam (Engels)"), max_length=200)
    description_nl = models.TextField(_("omschrijving (Nederlands)"), blank=True)
    description_en = models.TextField(_("omschrijving (Engels)"), blank=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "name_nl"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if _english() else self.name_nl

    @property
    def description(self) -> str:
        return self.description_en if _english() else self.description_nl


def _english() -> bool:
    return (get_language() or "nl").startswith("en")


class CompetencyGroup(BilingualEntry):
    class Meta(BilingualEntry.Meta):
        verbose_name = _("competentiegroep")
        verbose_name_plural = _("competentiegroepen")


class Competency(BilingualEntry):
    group = models.ForeignKey(
        CompetencyGroup,
        on_delete=models.PROTECT,
        related_name="competencies",
        verbose_name=_("groep"),
    )
    esco_uri = models.URLField(
        _("ESCO-concept-URI"),
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stabiele sleutel voor competenties uit ESCO; een nieuwe import werkt bij."),
    )

    class Meta(BilingualEntry.Meta):
        verbose_name = _("competentie")
        verbose_name_plural = _("competenties")


class Role(BilingualEntry):
    is_core = models.BooleanField(
        _("kernrol"),
        default=False,
        help_text=_("De vijf kernrollen komen bij elke opgave terug."),
    )
    is_optional = models.BooleanField(
        _("optioneel"),
        default=False,
        help_text=_("Aanvullende rollen, zoals die van faciliterend leiderschap."),
    )

    class Meta(BilingualEntry.Meta):
        verbose_name = _("rol")
        verbose_name_plural = _("rollen")
