"""The unread count in the navigation, written with the page."""

from __future__ import annotations

from django import template

from notifications import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context) -> int:
    """The user's unread notifications, for the header of every page.

    Counted with the page (one index-only count on `notification_unread`) rather than
    fetched by htmx after it: under load that extra request was half of all traffic and
    cost a session read and write of its own (docs/performance.md, load test). A page
    that counted them already (the notification list) passes its count as `unread`.
    """
    if (counted := context.get("unread")) is not None:
        return counted
    return selectors.unread_count(user=context["request"].user)
