"""Mijn profiel: who may use it, each endpoint with and without htmx, constant queries."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import factory
import pytest
from django.urls import reverse
from django.utils import timezone

from competencies.models import Competency, Role
from pool import access
from pool.models import Availability, LearningGoal, Leave, Member, MemberCompetency, RoleExperience
from tests.factories import (
    TODAY,
    AvailabilityFactory,
    LearningGoalFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OrganisationFactory,
    RoleExperienceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
PROFILE = "/mijn-profiel/"
# force_login needs no password, and hashing one takes most of a view test's time.
NO_PASSWORD = factory.Transformer.Force("!")


def account(*groups: str):
    return UserFactory(groups=list(groups), password=NO_PASSWORD)


@pytest.fixture
def member():
    return MemberFactory(
        user=account(access.MEMBER),
        contract_hours=Decimal(36),
        pool_hours=Decimal(16),
        organisation=OrganisationFactory(name="Gemeente Utrecht"),
    )


@pytest.fixture
def client_of(client, member):
    client.force_login(member.user)
    return client


@pytest.fixture
def other_member():
    return MemberFactory(user=account(access.MEMBER))


def stale(member: Member) -> bool:
    member.refresh_from_db(fields=["matches_stale_since"])
    return member.matches_stale_since is not None


def competency(name_nl: str) -> Competency:
    return Competency.objects.get(name_nl=name_nl)


def html(response) -> str:
    return response.content.decode()


def is_full_page(response) -> bool:
    return "<html" in html(response)


def field_error(response, field_id: str) -> str:
    """The error message shown beside the field, checking the field points to it."""
    page = html(response)
    assert re.search(rf'aria-describedby="[^"]*{field_id}_error[^"]*"', page), field_id
    assert re.search(rf'aria-invalid="true"[^>]*id="{field_id}"', page), field_id
    found = re.search(rf'id="{field_id}_error">(.*?)</div>', page, re.S)
    assert found, field_id
    return found.group(1)


# --- Who may use it -------------------------------------------------------------------------

# (method, url name, needs a row of the member's own)
ENDPOINTS = [
    ("get", "pool:profile", None),
    ("post", "pool:details", None),
    ("post", "pool:confirm", None),
    ("get", "pool:competency_search", None),
    ("post", "pool:competency_add", None),
    ("get", "pool:competency_row", "competency"),
    ("get", "pool:competency_edit", "competency"),
    ("post", "pool:competency_edit", "competency"),
    ("post", "pool:competency_remove", "competency"),
    ("post", "pool:role_experience", None),
    ("post", "pool:availability_add", None),
    ("post", "pool:availability_remove", "availability"),
    ("post", "pool:leave_add", None),
    ("post", "pool:leave_remove", "leave"),
    ("post", "pool:learning_goal_add", None),
    ("post", "pool:learning_goal_remove", "learning_goal"),
]


def url_for(name: str, row: str | None, member: Member) -> str:
    if row is None:
        return reverse(name)
    instance = {
        "competency": lambda: MemberCompetencyFactory(member=member),
        "availability": lambda: AvailabilityFactory(member=member),
        "leave": lambda: Leave.objects.create(
            member=member, start=TODAY, end=TODAY + timedelta(days=3)
        ),
        "learning_goal": lambda: LearningGoalFactory(member=member),
    }[row]()
    return reverse(name, args=[instance.pk])


@pytest.mark.parametrize(("method", "name", "row"), ENDPOINTS)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_refused_users(client, other_member, method, name, row, headers):
    url = url_for(name, row, other_member)
    call = getattr(client, method)

    response = call(url, headers=headers)  # anonymous: to the login page, as a whole page
    if headers:
        assert response.status_code == 200
        assert response["HX-Redirect"].startswith(reverse("login"))
    else:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    for group in (access.HR_ADVISOR, access.MANAGER, access.ADMINISTRATOR):
        client.force_login(account(group))
        assert call(url, headers=headers).status_code == 403

    client.force_login(account(access.MEMBER))  # in the group, but no member record
    assert call(url, headers=headers).status_code == 404


@pytest.mark.parametrize(("method", "name", "row"), [e for e in ENDPOINTS if e[2]])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_rows_of_another_member_are_404(client_of, other_member, method, name, row, headers):
    """Guessing another member's ids finds nothing, and changes nothing."""
    url = url_for(name, row, other_member)
    data = {}
    if name == "pool:competency_edit" and method == "post":
        pk = int(url.rstrip("/").split("/")[-2])
        data = {f"competency-{pk}-level": "4", f"competency-{pk}-evidence": "gekaapt"}
    counts = [
        model.objects.filter(member=other_member).count()
        for model in (MemberCompetency, Availability, Leave, LearningGoal)
    ]
    assert getattr(client_of, method)(url, data, headers=headers).status_code == 404
    assert counts == [
        model.objects.filter(member=other_member).count()
        for model in (MemberCompetency, Availability, Leave, LearningGoal)
    ]
    assert not MemberCompetency.objects.filter(evidence="gekaapt").exists()
    assert not stale(other_member)


@pytest.mark.parametrize(
    ("name", "section"),
    [
        ("pool:details", "personal-details"),
        ("pool:competency_add", "competencies"),
        ("pool:role_experience", "role-experience"),
        ("pool:availability_add", "availability"),
        ("pool:leave_add", "leave"),
        ("pool:learning_goal_add", "learning-goals"),
    ],
)
def test_form_endpoints_send_a_get_back_to_their_section(client_of, name, section):
    # The language switch redirects to the current URL, which after an invalid plain POST
    # is the form's endpoint.
    response = client_of.get(reverse(name))
    assert response.status_code == 302
    assert response.url == f"{PROFILE}#{section}"


@pytest.mark.parametrize(
    "name",
    ["pool:confirm", "pool:competency_remove", "pool:availability_remove", "pool:leave_remove"],
)
def test_removals_and_confirmation_refuse_get(client_of, member, name):
    args = [] if name == "pool:confirm" else [1]
    assert client_of.get(reverse(name, args=args)).status_code == 405


# --- The page -------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 50])
def test_profile_page_queries_are_constant(client_of, member, django_assert_num_queries, rows):
    MemberCompetencyFactory.create_batch(rows, member=member)  # each a new competency
    LearningGoalFactory.create_batch(rows // 5, member=member)
    for role in Role.objects.all():
        RoleExperienceFactory(member=member, role=role)
    for week in range(0, rows, 5):
        start = TODAY + timedelta(weeks=week)
        AvailabilityFactory(member=member, start=start, end=start + timedelta(days=6))
        Leave.objects.create(member=member, start=start, end=start + timedelta(days=1))

    # session, user, groups; member with organisation; its competencies, role experience,
    # availability, leave, learning goals; the competency catalogue and the roles; unread
    # notifications; the session save (savepoint, update, release)
    with django_assert_num_queries(15):
        response = client_of.get(PROFILE)
    assert response.status_code == 200
    page = html(response)
    assert page.count('id="competency-') - page.count('id="competency-search') >= rows


def test_profile_page_shows_everything_with_its_forms(client_of, member):
    MemberCompetencyFactory(
        member=member, competency=competency("Verbindend"), level=3, evidence="Wijkraad"
    )
    AvailabilityFactory(member=member, hours_per_week=Decimal("12.5"))
    LearningGoalFactory(member=member, competency=competency("Strategisch"), target_level=2)
    response = client_of.get(PROFILE)
    page = html(response)
    for text in (
        "Mijn gegevens",
        "Verbindend",
        "3 – gevorderd",
        "Wijkraad",
        "12,5",
        "Strategisch",
        "Regie",
        "Politieke afstemming",
        "Wat anderen zien",
        "Gemeente Utrecht",
    ):
        assert text in page, text
    # The add forms offer what is not yet in the profile, grouped by competency group.
    add_select = re.search(
        r'<select name="new-competency-competency".*?</select>', page, re.S
    ).group(0)
    assert "<optgroup" in add_select
    assert ">Verbindend<" not in add_select
    assert ">Samenwerkend<" in add_select
    goal_select = re.search(
        r'<select name="learning-goal-competency".*?</select>', page, re.S
    ).group(0)
    assert ">Strategisch<" not in goal_select
    # Every form works without JavaScript: a method, an action, a CSRF token.
    assert page.count('method="post"') == page.count("csrfmiddlewaretoken")
    assert "hx-get" in page
    for href in re.findall(r'<a [^>]*hx-get="([^"]+)"', page):
        assert f'href="{href}"' in page


def test_profile_page_ends_ended_periods(client_of, member):
    AvailabilityFactory(
        member=member, start=TODAY - timedelta(days=30), end=TODAY - timedelta(days=1)
    )
    response = client_of.get(PROFILE)
    assert "Je hebt nog geen periodes opgegeven." in html(response)


# --- Completeness and review ------------------------------------------------------------------


def test_completeness_counts_what_matching_needs(client_of, member):
    response = client_of.get(PROFILE)
    completeness = response.context["completeness"]
    assert completeness.percent == 0
    assert [item.anchor for item in completeness.missing] == [
        "competencies",
        "role-experience",
        "availability",
        "learning-goals",
    ]
    assert "Je profiel is voor 0% compleet." in html(response)

    MemberCompetencyFactory.create_batch(2, member=member)
    AvailabilityFactory(member=member)
    response = client_of.get(PROFILE)
    assert response.context["completeness"].percent == 25
    MemberCompetencyFactory(member=member)
    RoleExperienceFactory(member=member)
    LearningGoalFactory(member=member)
    response = client_of.get(PROFILE)
    assert response.context["completeness"].percent == 100
    assert response.context["completeness"].missing == []


@pytest.mark.parametrize(
    ("confirmed_days_ago", "prompted"), [(None, True), (200, True), (30, False)]
)
def test_review_prompt_for_a_profile_not_confirmed_for_six_months(
    client_of, member, confirmed_days_ago, prompted
):
    if confirmed_days_ago is not None:
        member.profile_confirmed_at = timezone.now() - timedelta(days=confirmed_days_ago)
        member.save()
    page = html(client_of.get(PROFILE))
    assert ("Kijk je profiel na" in page) is prompted
    assert ('id="profile-confirm" class="utrecht-button' in page) is prompted


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_confirm_profile(client_of, member, headers):
    response = client_of.post(reverse("pool:confirm"), headers=headers)
    member.refresh_from_db()
    assert member.profile_confirmed_at is not None
    if headers:
        assert response.status_code == 200
        assert not is_full_page(response)
        assert html(response).lstrip().startswith('<section id="profile-review"')
        assert "Profiel bevestigd" in html(response)
        assert 'hx-swap-oob="innerHTML"' in html(response)  # the status for screen readers
    else:
        assert response.status_code == 302
        assert response.url == f"{PROFILE}#profile-review"
        assert "Profiel bevestigd" in html(client_of.get(response.url))


# --- Privacy --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shares", "shareable", "expected"),
    [
        (True, True, "HR-adviseurs van andere organisaties"),
        (True, False, "zet dan ‘Beschikbaar voor andere organisaties’ aan"),
        (False, True, "deelt geen medewerkers met andere organisaties"),
    ],
)
def test_privacy_section_explains_who_sees_what(client_of, member, shares, shareable, expected):
    member.organisation.shares_members = shares
    member.organisation.save()
    member.shareable = shareable
    member.save()
    page = html(client_of.get(PROFILE))
    privacy = page[page.index('id="privacy"') :]
    assert "HR-adviseurs van Gemeente Utrecht" in privacy
    assert expected in privacy
    assert "Opdrachtgevers" in privacy


# --- Personal details -----------------------------------------------------------------------


def details(**fields) -> dict:
    data = {"email": "a.jansen@example.org", "unit": "Ruimte", "pool_hours": "20"}
    data.update(fields)
    return {f"details-{key}": value for key, value in data.items()}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_details_update(client_of, member, headers):
    response = client_of.post(reverse("pool:details"), details(shareable="on"), headers=headers)
    member.refresh_from_db()
    assert (member.email, member.unit, member.pool_hours, member.shareable) == (
        "a.jansen@example.org",
        "Ruimte",
        Decimal(20),
        True,
    )
    assert stale(member)
    if headers:
        assert response.status_code == 200
        assert html(response).lstrip().startswith('<section id="personal-details"')
        assert '<section id="privacy"' in html(response)  # out of band: sharing changed
        assert 'hx-swap-oob="true"' in html(response)
    else:
        assert response.url == f"{PROFILE}#personal-details"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_details_invalid_keeps_what_was_typed(client_of, member, headers):
    response = client_of.post(
        reverse("pool:details"), details(pool_hours="40", unit="Nieuwe afdeling"), headers=headers
    )
    assert response.status_code == 200
    assert "meer dan je contracturen" in field_error(response, "id_details-pool_hours")
    assert 'value="Nieuwe afdeling"' in html(response)
    assert 'value="40"' in html(response)
    assert is_full_page(response) is not bool(headers)
    if headers:
        assert response.headers["HX-Retarget"] == "#personal-details"
    member.refresh_from_db()
    assert (member.unit, member.pool_hours) == ("", Decimal(16))


# --- Competencies ---------------------------------------------------------------------------


def choices_in(response) -> list[str]:
    select = re.search(
        r'<select name="new-competency-competency".*?</select>', html(response), re.S
    )
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)<", select.group(0))


@pytest.mark.parametrize("query", ["samen", "SAMEN", "collab"])
def test_search_by_dutch_or_english_name_any_case(client_of, query):
    response = client_of.get(reverse("pool:competency_search"), {"q": query}, headers=HTMX)
    assert response.status_code == 200
    assert not is_full_page(response)
    assert html(response).startswith('<div id="competency-choices">')
    assert choices_in(response) == ["Samenwerkend"]
    assert "1 competentie gevonden" in html(response)
    assert 'hx-swap-oob="innerHTML"' in html(response)


def test_search_leaves_out_what_is_held_and_falls_back_to_everything(client_of, member):
    MemberCompetencyFactory(member=member, competency=competency("Samenwerkend"))
    response = client_of.get(reverse("pool:competency_search"), {"q": "samen"}, headers=HTMX)
    assert "Samenwerkend" not in choices_in(response)
    assert "Geen competentie gevonden" in html(response)
    assert len(choices_in(response)) == Competency.objects.filter(is_active=True).count() - 1


def test_search_without_javascript_renders_the_page_with_the_narrowed_list(client_of):
    response = client_of.get(reverse("pool:competency_search"), {"q": "wmo"})
    assert response.status_code == 200
    assert is_full_page(response)
    assert choices_in(response) == ["Jeugd en Wmo"]
    assert 'value="wmo"' in html(response)


@pytest.mark.parametrize("rows", [5, 50])
def test_search_queries_are_constant(client_of, member, django_assert_num_queries, rows):
    MemberCompetencyFactory.create_batch(rows, member=member)
    # session, user, groups, member, held competencies, matches, session save (3)
    with django_assert_num_queries(9):
        response = client_of.get(reverse("pool:competency_search"), {"q": "samen"}, headers=HTMX)
    assert choices_in(response) == ["Samenwerkend"]


def new_competency(item: Competency, level: str = "3", evidence: str = "") -> dict:
    return {
        "new-competency-competency": str(item.pk),
        "new-competency-level": level,
        "new-competency-evidence": evidence,
    }


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_competency_add(client_of, member, headers):
    item = competency("Samenwerkend")
    response = client_of.post(
        reverse("pool:competency_add"),
        new_competency(item, evidence="Ketenoverleg"),
        headers=headers,
    )
    held = MemberCompetency.objects.get(member=member)
    assert (held.competency, held.level, held.evidence) == (item, 3, "Ketenoverleg")
    assert stale(member)
    if headers:
        assert response.status_code == 200
        page = html(response)
        assert page.lstrip().startswith('<section id="competencies"')
        assert f'id="competency-{held.pk}"' in page
        assert '<section id="completeness"' in page  # out of band
        assert "Samenwerkend" not in choices_in(response)
    else:
        assert response.url == f"{PROFILE}#competencies"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_competency_add_invalid_keeps_what_was_typed(client_of, member, headers):
    item = competency("Verbindend")
    response = client_of.post(
        reverse("pool:competency_add"),
        new_competency(item, level="", evidence="Buurtteams verbonden"),
        headers=headers,
    )
    assert response.status_code == 200
    assert field_error(response, "id_new-competency-level")
    assert "Buurtteams verbonden" in html(response)
    assert f'<option value="{item.pk}" selected>' in html(response)
    assert is_full_page(response) is not bool(headers)
    if headers:
        assert response.headers["HX-Retarget"] == "#competency-add"
        assert html(response).lstrip().startswith('<form id="competency-add"')
    assert not MemberCompetency.objects.filter(member=member).exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_competency_added_twice_is_a_form_error_not_a_500(client_of, member, headers):
    held = MemberCompetencyFactory(member=member, level=2)
    response = client_of.post(
        reverse("pool:competency_add"), new_competency(held.competency, level="4"), headers=headers
    )
    assert response.status_code == 200
    assert "al in je profiel" in field_error(response, "id_new-competency-competency")
    held.refresh_from_db()
    assert held.level == 2


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_competency_edit_form(client_of, member, headers):
    held = MemberCompetencyFactory(member=member, level=2, evidence="Eerste")
    response = client_of.get(reverse("pool:competency_edit", args=[held.pk]), headers=headers)
    assert response.status_code == 200
    assert f'name="competency-{held.pk}-level"' in html(response)
    assert 'value="Eerste"' in html(response)
    if headers:
        assert (
            html(response)
            .lstrip()
            .startswith(f'<tr class="utrecht-table__row" id="competency-{held.pk}"')
        )
    else:
        assert is_full_page(response)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_competency_change(client_of, member, headers):
    held = MemberCompetencyFactory(member=member, level=2)
    data = {f"competency-{held.pk}-level": "4", f"competency-{held.pk}-evidence": "Coacht"}
    response = client_of.post(
        reverse("pool:competency_edit", args=[held.pk]), data, headers=headers
    )
    held.refresh_from_db()
    assert (held.level, held.evidence) == (4, "Coacht")
    assert stale(member)
    if headers:
        assert response.status_code == 200
        assert "4 – expert" in html(response)
        assert "<form" in html(response)  # the remove button
        assert f'name="competency-{held.pk}-level"' not in html(response)
    else:
        assert response.url == f"{PROFILE}#competency-{held.pk}"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_competency_change_invalid(client_of, member, headers):
    held = MemberCompetencyFactory(member=member, level=2)
    data = {f"competency-{held.pk}-level": "9", f"competency-{held.pk}-evidence": "Getypt"}
    response = client_of.post(
        reverse("pool:competency_edit", args=[held.pk]), data, headers=headers
    )
    assert response.status_code == 200
    assert field_error(response, f"id_competency-{held.pk}-level")
    assert 'value="Getypt"' in html(response)
    assert is_full_page(response) is not bool(headers)
    held.refresh_from_db()
    assert held.level == 2


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_competency_row_is_what_cancel_returns_to(client_of, member, headers):
    held = MemberCompetencyFactory(member=member)
    response = client_of.get(reverse("pool:competency_row", args=[held.pk]), headers=headers)
    if headers:
        assert response.status_code == 200
        assert f'id="competency-{held.pk}"' in html(response)
        assert not is_full_page(response)
    else:
        assert response.status_code == 302
        assert response.url == f"{PROFILE}#competency-{held.pk}"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_competency_remove(client_of, member, headers):
    held = MemberCompetencyFactory(member=member)
    response = client_of.post(reverse("pool:competency_remove", args=[held.pk]), headers=headers)
    assert not MemberCompetency.objects.filter(pk=held.pk).exists()
    assert stale(member)
    if headers:
        assert html(response).lstrip().startswith('<div id="competency-list"')
        assert "Je hebt nog geen competenties vastgelegd." in html(response)
    else:
        assert response.url == f"{PROFILE}#competencies"


# --- Roles ----------------------------------------------------------------------------------


def role_data(**by_code) -> dict:
    data = {}
    for role in Role.objects.filter(is_active=True):
        experience, preference = by_code.get(role.code, (0, 1))
        data[f"role-{role.pk}-experience"] = str(experience)
        data[f"role-{role.pk}-preference"] = str(preference)
    return data


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_role_experience_update(client_of, member, headers):
    response = client_of.post(
        reverse("pool:role_experience"), role_data(regie=(3, 2), netwerk=(1, 0)), headers=headers
    )
    rows = {row.role.code: (row.experience, row.preference) for row in member.role_experience.all()}
    assert rows["regie"] == (3, 2)
    assert rows["netwerk"] == (1, 0)
    assert len(rows) == Role.objects.filter(is_active=True).count()
    assert stale(member)
    if headers:
        assert html(response).lstrip().startswith('<section id="role-experience"')
    else:
        assert response.url == f"{PROFILE}#role-experience"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_role_experience_invalid_keeps_what_was_chosen(client_of, member, headers):
    regie = Role.objects.get(code="regie")
    data = role_data(regie=(3, 2))
    data[f"role-{regie.pk}-preference"] = "7"
    response = client_of.post(reverse("pool:role_experience"), data, headers=headers)
    assert response.status_code == 200
    assert field_error(response, f"id_role-{regie.pk}-preference")
    assert re.search(
        rf'name="role-{regie.pk}-experience".*?<option value="3" selected>', html(response), re.S
    )
    assert not RoleExperience.objects.filter(member=member).exists()


# --- Availability, leave, learning goals ----------------------------------------------------


def period(prefix: str, start, end, **fields) -> dict:
    data = {"start": start.isoformat(), "end": end.isoformat(), **fields}
    return {f"{prefix}-{key}": value for key, value in data.items()}


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_availability_add_and_remove(client_of, member, headers):
    data = period("availability", TODAY, TODAY + timedelta(weeks=6), hours_per_week="12,5")
    data["availability-hours_per_week"] = "12.5"
    response = client_of.post(reverse("pool:availability_add"), data, headers=headers)
    added = Availability.objects.get(member=member)
    assert added.hours_per_week == Decimal("12.5")
    assert stale(member)
    if headers:
        assert html(response).lstrip().startswith('<section id="availability"')
        assert '<section id="completeness"' in html(response)
    else:
        assert response.url == f"{PROFILE}#availability"

    response = client_of.post(reverse("pool:availability_remove", args=[added.pk]), headers=headers)
    assert not Availability.objects.filter(member=member).exists()
    if headers:
        assert html(response).lstrip().startswith('<div id="availability-list"')
    else:
        assert response.url == f"{PROFILE}#availability"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_availability_invalid_keeps_what_was_typed(client_of, member, headers):
    start, end = TODAY + timedelta(days=10), TODAY
    data = period("availability", start, end, hours_per_week="8", note="Tijdelijk minder")
    response = client_of.post(reverse("pool:availability_add"), data, headers=headers)
    assert response.status_code == 200
    assert "einddatum" in field_error(response, "id_availability-end")
    assert f'value="{start.isoformat()}"' in html(response)
    assert 'value="Tijdelijk minder"' in html(response)
    if headers:
        assert response.headers["HX-Retarget"] == "#availability-add"
    assert not Availability.objects.filter(member=member).exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_leave_add_and_remove(client_of, member, headers):
    data = period("leave", TODAY + timedelta(days=7), TODAY + timedelta(days=21), note="Zomer")
    response = client_of.post(reverse("pool:leave_add"), data, headers=headers)
    added = Leave.objects.get(member=member)
    assert stale(member)
    if headers:
        assert html(response).lstrip().startswith('<section id="leave"')
        assert "Zomer" in html(response)
    else:
        assert response.url == f"{PROFILE}#leave"
    response = client_of.post(reverse("pool:leave_remove", args=[added.pk]), headers=headers)
    assert not Leave.objects.filter(member=member).exists()
    if headers:
        assert html(response).lstrip().startswith('<div id="leave-list"')


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_leave_invalid(client_of, member, headers):
    response = client_of.post(
        reverse("pool:leave_add"), {"leave-start": "geen datum", "leave-end": ""}, headers=headers
    )
    assert response.status_code == 200
    assert field_error(response, "id_leave-start")
    assert field_error(response, "id_leave-end")
    assert 'value="geen datum"' in html(response)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_learning_goal_add_and_remove(client_of, member, headers):
    item = competency("Verbindend")
    data = {
        "learning-goal-competency": str(item.pk),
        "learning-goal-target_level": "3",
        "learning-goal-note": "Meelopen met de wijkregisseur",
    }
    response = client_of.post(reverse("pool:learning_goal_add"), data, headers=headers)
    goal = LearningGoal.objects.get(member=member)
    assert (goal.competency, goal.target_level) == (item, 3)
    assert stale(member)
    if headers:
        assert html(response).lstrip().startswith('<section id="learning-goals"')
    else:
        assert response.url == f"{PROFILE}#learning-goals"
    response = client_of.post(reverse("pool:learning_goal_remove", args=[goal.pk]), headers=headers)
    assert not LearningGoal.objects.filter(member=member).exists()
    if headers:
        assert html(response).lstrip().startswith('<div id="learning-goal-list"')


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_learning_goal_not_above_current_level_is_refused_beside_the_field(
    client_of, member, headers
):
    held = MemberCompetencyFactory(member=member, level=3)
    data = {
        "learning-goal-competency": str(held.competency.pk),
        "learning-goal-target_level": "2",
        "learning-goal-note": "Getypt",
    }
    response = client_of.post(reverse("pool:learning_goal_add"), data, headers=headers)
    assert response.status_code == 200
    assert "hoger doelniveau" in field_error(response, "id_learning-goal-target_level")
    assert 'value="Getypt"' in html(response)
    assert not LearningGoal.objects.filter(member=member).exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_learning_goal_twice_is_a_form_error(client_of, member, headers):
    goal = LearningGoalFactory(member=member, target_level=2)
    data = {
        "learning-goal-competency": str(goal.competency.pk),
        "learning-goal-target_level": "4",
    }
    response = client_of.post(reverse("pool:learning_goal_add"), data, headers=headers)
    assert response.status_code == 200
    assert "al een leerdoel" in field_error(response, "id_learning-goal-competency")


def test_profile_in_english_names_the_catalogue_in_english(client_of):
    client_of.post(reverse("set_language"), {"language": "en"})
    response = client_of.get(PROFILE)
    assert response.status_code == 200
    assert '<html lang="en"' in html(response)
    assert "Collaborative" in choices_in(response)
    response = client_of.get(reverse("pool:competency_search"), {"q": "samen"}, headers=HTMX)
    assert choices_in(response) == ["Collaborative"]
