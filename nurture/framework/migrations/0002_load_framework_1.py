"""Load edition 1 of the framework from the data file the project ships."""

from typing import Any

from django.db import migrations
from django.utils import timezone

from nurture.framework.data_file import framework_data_problems, framework_data_read, framework_rows_create


def load(apps: Any, schema_editor: Any) -> None:
    FrameworkVersion = apps.get_model("framework", "FrameworkVersion")
    if FrameworkVersion.objects.filter(number=1).exists():
        return
    data = framework_data_read(1)
    problems = framework_data_problems(data)
    if problems:
        raise ValueError("framework-1.json: " + "; ".join(problems))
    version = framework_rows_create(data, lambda name: apps.get_model("framework", name), status="published")
    version.is_current = True
    version.published_at = timezone.now()
    version.save(update_fields=["is_current", "published_at"])


def unload(apps: Any, schema_editor: Any) -> None:
    apps.get_model("framework", "FrameworkVersion").objects.filter(number=1).delete()


class Migration(migrations.Migration):
    dependencies = [("framework", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
