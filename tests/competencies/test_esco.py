from __future__ import annotations

import pytest
from django.core.management import call_command

from competencies.esco import ESCO_PATH, read_esco
from competencies.models import Competency

pytestmark = pytest.mark.django_db


def test_import_esco_adds_the_skills_once_keyed_by_uri(capsys):
    rows = read_esco()
    assert len(rows) == 96
    assert ESCO_PATH.parent.name == "data"  # shipped with the app, not read from elsewhere
    call_command("import_esco")
    assert "96 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    skills = Competency.objects.filter(group__code="esco-transversaal")
    assert skills.count() == 96
    first = skills.get(esco_uri=rows[0]["conceptUri"])
    assert first.name_nl == rows[0]["preferredLabel"]
    assert first.description_nl == " ".join(rows[0]["description"].split())
    assert first.code == f"esco-{rows[0]['conceptUri'].rsplit('/', 1)[-1]}"

    first.name_nl = "oud label"
    first.save()
    call_command("import_esco")
    assert "0 created, 1 updated, 95 unchanged" in capsys.readouterr().out
    assert Competency.objects.filter(group__code="esco-transversaal").count() == 96
