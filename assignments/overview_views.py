"""The HR advisor's pool overview: capacity per week, shortages and fair distribution.

Each page and its CSV/XLSX export come from the same selector; `?formaat=csv|xlsx` asks for
the export of everything the filters select, not only the page shown.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assignments import overview_selectors as selectors
from assignments.overview_forms import CapacityForm, DistributionForm, ShortageForm, View
from assignments.table_export import FORMATS, Table, table_response
from pool.access import HR_ADVISOR
from pool.decorators import group_required
from pool.models import Member

PAGE_SIZE = 50


def _render(request: HttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    """The whole page, or only the results when htmx asks after a filter change (but the
    whole page when htmx restores a pushed URL that fell out of its history cache)."""
    fragment = request.htmx and not request.htmx.history_restore_request
    name = f"{template}#{partial}" if fragment else template
    response = render(request, name, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _export_format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("formaat")
    return fmt if fmt in FORMATS else None


@require_GET
@login_required
@group_required(HR_ADVISOR)
def capacity(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    facets = selectors.pool_facets(user=request.user)
    form = CapacityForm(request.GET, facets=facets)
    grouping, filters = form.choice("groepering"), form.filters()
    members = selectors.overview_members(user=request.user, grouping=grouping, **filters)
    if fmt := _export_format(request):
        rows = selectors.capacity_rows(members=list(members), today=today)
        return table_response(_capacity_table(rows), fmt=fmt, name=_("capaciteit"), today=today)
    pages = selectors.GroupedPages(members, facets.groups(grouping=grouping, **filters))
    page = Paginator(pages, PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = selectors.capacity_rows(members=list(page.object_list), today=today)
    context = {
        "form": form,
        "page": page,
        "weeks": selectors.capacity_weeks(today=today),
        "groups": selectors.capacity_groups(rows=rows, grouping=grouping),
        "as_table": form.choice("weergave") == View.TABLE,
        "utilisations": selectors.Utilisation,
    }
    return _render(request, "assignments/overview/capacity.html", "capacity-results", context)


def _member_headers() -> list[str]:
    return [_("Medewerker"), _("Personeelsnummer"), _("Organisatie"), _("Afdeling")]


def _member_cells(member: Member) -> list[str]:
    return [member.full_name, member.personnel_number, member.organisation.name, member.unit]


def _capacity_table(rows: list[selectors.CapacityRow]) -> Table:
    """One line per member and week, the shape spreadsheets and BI tools pivot best."""
    return Table(
        title=_("Capaciteit"),
        headers=[
            *_member_headers(),
            _("Week"),
            _("Maandag"),
            _("Beschikbaar (uur)"),
            _("Ingezet (uur)"),
            _("Voorgesteld (uur)"),
            _("Vrij (uur)"),
            _("Bezetting"),
        ],
        rows=[
            [
                *_member_cells(row.member),
                "{}-W{:02d}".format(*week.monday.isocalendar()[:2]),
                week.monday,
                round(week.capacity, 1),
                round(week.booked, 1),
                round(week.proposed, 1),
                round(week.free, 1),
                str(week.utilisation.label),
            ]
            for row in rows
            for week in row.weeks
        ],
    )


@require_GET
@login_required
@group_required(HR_ADVISOR)
def shortages(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ShortageForm(request.GET, user=request.user)
    report = selectors.shortages(user=request.user, today=today, organisation=form.organisation())
    if fmt := _export_format(request):
        return table_response(_shortage_table(report), fmt=fmt, name=_("tekorten"), today=today)
    context = {"form": form, "report": report}
    return _render(request, "assignments/overview/shortages.html", "shortage-results", context)


def _shortage_table(report: selectors.ShortageReport) -> Table:
    return Table(
        title=_("Tekorten"),
        headers=[
            _("Soort"),
            _("Rol of competentie"),
            _("Rolvragen"),
            _("Gevraagd (uur per week)"),
            _("Gevraagd (personen)"),
            _("Vrij (uur per week)"),
            _("Vrij (personen)"),
            _("Vraag min aanbod (uur per week)"),
            _("Vraag min aanbod (personen)"),
            _("Gewenst (uur per week)"),
            _("Gewenst (personen)"),
        ],
        rows=[
            [
                str(selectors.Dimension(row.dimension).label),
                row.label,
                row.requests,
                round(row.demand_hours, 1),
                row.demand_people,
                round(row.supply_hours, 1),
                row.supply_people,
                round(row.gap_hours, 1),
                row.gap_people,
                round(row.desired_hours, 1),
                row.desired_people,
            ]
            for row in report.roles + report.competencies
        ],
    )


@require_GET
@login_required
@group_required(HR_ADVISOR)
def distribution(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = DistributionForm(request.GET, facets=selectors.pool_facets(user=request.user))
    rows = selectors.distribution(
        members=selectors.overview_members(user=request.user, **form.filters()),
        today=today,
        order=form.choice("sorteer"),
    )
    if fmt := _export_format(request):
        return table_response(_distribution_table(rows), fmt=fmt, name=_("verdeling"), today=today)
    context = {
        "form": form,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("pagina")),
        "sorting": _sorting(form.choice("sorteer")),
    }
    return _render(
        request, "assignments/overview/distribution.html", "distribution-results", context
    )


Order = selectors.DistributionOrder
# Per sortable column: its first order and aria-sort, and those of the reverse.
SORTABLE = {
    "name": ((Order.NAME, "ascending"), (Order.NAME_REVERSED, "descending")),
    "days": ((Order.LONGEST_WITHOUT, "descending"), (Order.SHORTEST_WITHOUT, "ascending")),
    "share": ((Order.SHARE_HIGH, "descending"), (Order.SHARE_LOW, "ascending")),
}


def _sorting(order: str) -> dict[str, dict[str, str | None]]:
    """Per sortable column header: the order its link asks for, and its aria-sort now."""
    sorting = {}
    for column, ((first, first_sort), (reverse, reverse_sort)) in SORTABLE.items():
        if order == first:
            sorting[column] = {"next": reverse, "aria_sort": first_sort}
        elif order == reverse:
            sorting[column] = {"next": first, "aria_sort": reverse_sort}
        else:
            sorting[column] = {"next": first, "aria_sort": None}
    return sorting


def _distribution_table(rows: list[selectors.DistributionRow]) -> Table:
    return Table(
        title=_("Verdeling"),
        headers=[
            *_member_headers(),
            _("Status"),
            _("Laatste inzet tot en met"),
            _("Dagen zonder inzet"),
            _("Aandeel afgelopen 12 maanden (%)"),
            _("Inzetten afgelopen 12 maanden"),
        ],
        rows=[
            [
                *_member_cells(row.member),
                row.status,
                row.last_end,
                row.days_without,
                round(100 * row.share, 1),
                row.count,
            ]
            for row in rows
        ],
    )
