from django import template

from pool.access import group_names

register = template.Library()


@register.simple_tag(takes_context=True)
def user_groups(context) -> frozenset[str]:
    return group_names(context["request"].user)


WIDGET_CLASSES = {
    "select": "utrecht-select utrecht-select--html-select",
    "selectmultiple": "utrecht-select utrecht-select--html-select",
    "textarea": "utrecht-textarea utrecht-textarea--html-textarea",
    "checkbox": "utrecht-checkbox utrecht-checkbox--html-input",
}
TEXTBOX_CLASS = "utrecht-textbox utrecht-textbox--html-input"


@register.filter
def utrecht_widget(field):
    """Render a bound field's widget with NL Design System classes and ARIA links."""
    widget = field.field.widget
    kind = getattr(widget, "input_type", None) or widget.__class__.__name__.lower()
    attrs = {"class": WIDGET_CLASSES.get(kind, TEXTBOX_CLASS)}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_help")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)
