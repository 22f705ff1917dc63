from django.forms.renderers import TemplatesSetting


class NurtureFormRenderer(TemplatesSetting):
    """Every form renders its fields with labels, hints and errors tied together."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
