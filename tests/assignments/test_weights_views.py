"""Matchgewichten: functional administrators change the weights, HR advisors read them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assignments.matching.core import Weights
from assignments.models import MatchingWeights, RoleRequest
from assignments.services import REBUILD_TASK, matching_weights_update
from pool import access
from pool.models import AuditEntry, Member
from tests.assignments.test_weights_services import sent_tasks
from tests.factories import MemberFactory, RoleRequestFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("weights:edit")
HTMX = {"HX-Request": "true"}
CHANGED = {**Weights().as_dict(), "competency": 60, "availability": 20.5}


@pytest.fixture
def administrator():
    return UserFactory(groups=[access.ADMINISTRATOR])


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def stored() -> Weights:
    return Weights.from_dict(MatchingWeights.objects.get(pk=1).values)


def field_error(html: str, name: str) -> str:
    """The error text shown at field `name`, which its input must point at."""
    found = re.search(rf'id="id_{name}_error">(.*?)</div>', html, re.S)
    assert found, f"no error at {name}"
    widget = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    assert f"id_{name}_error" in widget and 'aria-invalid="true"' in widget
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


@pytest.mark.parametrize("group", [access.MEMBER, access.MANAGER, access.LINE_MANAGER])
def test_other_groups_neither_read_nor_change(client, group):
    client.force_login(UserFactory(groups=[group]))
    assert client.get(URL).status_code == 403
    assert client.post(URL, CHANGED).status_code == 403
    assert not MatchingWeights.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_hr_reads_the_weights_and_cannot_change_them(client, hr_user, administrator):

    matching_weights_update(values=CHANGED, by=administrator)
    client.force_login(hr_user)
    html = client.get(URL).content.decode()
    assert "<form" not in html.split('id="inhoud"')[1]  # no form in the content, only a table
    assert re.search(r"Competenties</th>\s*<td[^>]*>60</td>", html)
    assert re.search(r"Beschikbaarheid</th>\s*<td[^>]*>20,5</td>", html)
    assert "Of de medewerker de gevraagde rol graag doet." in html
    assert "Alleen een functioneel beheerder kan de gewichten wijzigen." in html
    nav = re.search(r'href="/matchgewichten/"[^>]*>', html).group(0)
    assert 'aria-current="page"' in nav

    assert client.post(URL, {**CHANGED, "competency": 1}).status_code == 403
    assert client.post(URL, {"action": "reset"}).status_code == 403
    assert stored() == Weights.from_dict(CHANGED)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.WEIGHTS_CHANGED).count() == 1


def test_the_form_shows_every_weight_with_its_help_and_default(admin_client):
    html = admin_client.get(URL).content.decode()
    for name, value in Weights().as_dict().items():
        widget = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert f'value="{value:g}"' in widget and f'aria-describedby="id_{name}_help"' in widget
        assert f'<label class="utrecht-form-label" for="id_{name}">' in html
    assert "Factor vereiste competenties" in html
    assert "Standaard: 2." in html
    assert "<legend" in html and "Onderdelen van de matchscore" in html
    assert "Standaardwaarden herstellen" in html
    assert "De standaardgewichten gelden" in html


def test_saving_stores_audits_and_sends_one_rebuild(
    admin_client, administrator, django_capture_on_commit_callbacks
):
    MemberFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(URL, CHANGED)
    assert response.status_code == 302 and response.url == URL
    assert stored() == Weights.from_dict(CHANGED)
    row = MatchingWeights.objects.get(pk=1)
    assert row.updated_by == administrator
    # The service's work (tests/assignments/test_weights_services.py): everything stale,
    # one full rebuild after commit.
    assert set(Member.objects.values_list("matches_stale_since", flat=True)) == {row.updated_at}
    assert sent_tasks(callbacks) == [(REBUILD_TASK,)]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.WEIGHTS_CHANGED)
    assert entry.actor == administrator
    assert entry.data == {"from": Weights().as_dict(), "to": Weights.from_dict(CHANGED).as_dict()}

    page = admin_client.get(URL).content.decode()
    assert "De gewichten zijn opgeslagen. Alle matches worden opnieuw berekend." in page
    assert "Matches worden bijgewerkt…" in page
    assert f'hx-get="{URL}?status=1"' in page
    assert 'value="60"' in page and 'value="20.5"' in page
    assert "Laatst gewijzigd op" in page and administrator.get_full_name() in page


def test_the_audit_log_shows_what_changed(admin_client):
    admin_client.post(URL, CHANGED)
    row = admin_client.get(reverse("audit:log")).context["page"].object_list[0]
    assert str(row.what) == "matchgewichten gewijzigd"
    assert [str(d) for d in row.details] == ["Competenties: 50 → 60", "Beschikbaarheid: 25 → 20,5"]


def test_saving_the_weights_in_force_changes_nothing(admin_client):
    member = MemberFactory()
    response = admin_client.post(URL, Weights().as_dict(), follow=True)
    assert (
        "Dit zijn al de gewichten die gelden; er is niets gewijzigd." in response.content.decode()
    )
    assert not AuditEntry.objects.exists()
    member.refresh_from_db()
    assert member.matches_stale_since is None


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("competency", "-5", "Een gewicht kan niet negatief zijn."),
        ("development", "veel", "Vul een getal in."),
        ("availability", "inf", "Vul een getal in."),
        ("role_experience", "", "Vul een gewicht in."),
        ("desired_factor", "0", "Een factor moet groter dan 0 zijn."),
    ],
)
def test_a_bad_weight_is_shown_at_its_field(admin_client, name, value, error):
    response = admin_client.post(URL, {**CHANGED, name: value})
    html = response.content.decode()
    assert response.status_code == 200
    assert field_error(html, name) == error
    assert "De gewichten zijn niet opgeslagen." in html
    # What was typed stays, as typed.
    assert 'value="5.0"' in re.search(r'<input[^>]*name="role_preference"[^>]*>', html).group(0)
    assert not MatchingWeights.objects.exists()


def test_development_alone_is_refused_for_the_parts_together(admin_client):
    zero = dict.fromkeys(["competency", "role_experience", "role_preference", "availability"], 0)
    html = admin_client.post(URL, {**CHANGED, **zero}).content.decode()
    fieldset = re.search(r"<fieldset[^>]*>", html).group(0)
    assert 'aria-describedby="weights-parts-help weights-parts-error"' in fieldset
    error = re.search(r'id="weights-parts-error">(.*?)</div>', html, re.S).group(1)
    assert "ontwikkelkans alleen telt niet bij elke rolvraag mee" in error
    assert not MatchingWeights.objects.exists()


def test_reset_restores_the_defaults(admin_client, administrator):
    admin_client.post(URL, CHANGED)
    response = admin_client.post(URL, {"action": "reset"})
    assert response.status_code == 302
    assert stored() == Weights()
    last = AuditEntry.objects.filter(action=AuditEntry.Action.WEIGHTS_CHANGED).first()
    assert last.data["to"] == Weights().as_dict()
    assert last.data["from"] == Weights.from_dict(CHANGED).as_dict()


def test_status_polls_until_the_rebuild_is_done(admin_client):
    member = MemberFactory()
    admin_client.post(URL, CHANGED)
    fragment = admin_client.get(URL, {"status": "1"}, headers=HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="weights-status" role="status"')
    assert "Matches worden bijgewerkt…" in fragment and 'hx-trigger="every 2s"' in fragment

    # A later edit of one member is that member's own recompute, not the rebuild's.
    Member.objects.update(matches_stale_since=None)
    RoleRequest.objects.update(matches_stale_since=None)
    Member.objects.filter(pk=member.pk).update(matches_stale_since=timezone.now())
    fragment = admin_client.get(URL, {"status": "1"}, headers=HTMX).content.decode()
    assert "Alle matches zijn opnieuw berekend met deze gewichten." in fragment
    assert "hx-get" not in fragment  # polling stops

    plain = admin_client.get(URL, {"status": "1"})
    assert "<h1" in plain.content.decode()


@pytest.mark.parametrize("members", [2, 20])
@pytest.mark.parametrize("group", [access.HR_ADVISOR, access.ADMINISTRATOR])
def test_the_page_runs_a_constant_number_of_queries(
    client, administrator, django_assert_num_queries, members, group
):
    MemberFactory.create_batch(members)
    RoleRequestFactory.create_batch(members)

    matching_weights_update(values=CHANGED, by=administrator)
    client.force_login(UserFactory(groups=[group]))
    # session, user, groups, weights with who saved them, stale members (found: no second
    # EXISTS for requests), unread notifications, session save (3)
    with django_assert_num_queries(9):
        response = client.get(URL)
    assert response.status_code == 200
    assert "Matches worden bijgewerkt…" in response.content.decode()


def test_the_django_admin_saves_through_the_same_service(
    client, django_capture_on_commit_callbacks
):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    url = reverse("admin:assignments_matchingweights_add")
    refused = client.post(url, {"values": '{"competency": -1}'}).content.decode()
    assert "Competenties: Een gewicht kan niet negatief zijn." in refused
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(url, {"values": '{"competency": 60}'}).status_code == 302
    assert stored() == Weights(competency=60)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.WEIGHTS_CHANGED)
    assert (entry.actor, entry.data["to"]["competency"]) == (superuser, 60)
    assert sent_tasks(callbacks) == [(REBUILD_TASK,)]
