"""Supervision sessions are confirmed by request: one email and link for the sessions
entered together for one supervisor (a link used to belong to one entry). Each existing
entry gets a request of its own holding its links, and the outbox's messages about the
entry become messages about its request, so their delivery still shows.

Training is no longer relationship-based unless the practitioner says so."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def entries_to_requests(apps, schema_editor):
    Entry = apps.get_model("portfolios", "SupervisionEntry")
    Link = apps.get_model("portfolios", "SupervisionLink")
    Request = apps.get_model("portfolios", "SupervisionRequest")
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    for entry in Entry.objects.all().iterator():
        request = Request.objects.create(owner_id=entry.owner_id, supervisor_email=entry.supervisor_email)
        Entry.objects.filter(pk=entry.pk).update(request=request)
        Link.objects.filter(entry_id=entry.pk).update(request=request)
        OutboundEmail.objects.filter(about_type="portfolios.supervisionentry", about_id=str(entry.pk)).update(
            about_type="portfolios.supervisionrequest", about_id=str(request.pk)
        )


def requests_to_entries(apps, schema_editor):
    Link = apps.get_model("portfolios", "SupervisionLink")
    Request = apps.get_model("portfolios", "SupervisionRequest")
    OutboundEmail = apps.get_model("core", "OutboundEmail")
    for request in Request.objects.all().iterator():
        first = request.entries.order_by("pk").first()
        if first is None:
            Link.objects.filter(request=request).delete()
            continue
        Link.objects.filter(request=request).update(entry=first)
        OutboundEmail.objects.filter(about_type="portfolios.supervisionrequest", about_id=str(request.pk)).update(
            about_type="portfolios.supervisionentry", about_id=str(first.pk)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0002_text_length_limits"),
        ("core", "0002_outbound_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="trainingrecord",
            name="relationship_based",
            field=models.BooleanField(
                default=False,
                help_text="Training about the relationships between infants, their parents and caregivers.",
                verbose_name="relationship-based training",
            ),
        ),
        migrations.CreateModel(
            name="SupervisionRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("supervisor_email", models.EmailField(max_length=254)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={"ordering": ["-created_at"]},
        ),
        migrations.AddField(
            model_name="supervisionentry",
            name="request",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="entries",
                to="portfolios.supervisionrequest",
            ),
        ),
        migrations.AddField(
            model_name="supervisionlink",
            name="request",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="links",
                to="portfolios.supervisionrequest",
            ),
        ),
        migrations.AlterField(
            model_name="supervisionlink",
            name="entry",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="portfolios.supervisionentry",
            ),
        ),
        migrations.RunPython(entries_to_requests, requests_to_entries),
        migrations.RemoveField(model_name="supervisionlink", name="entry"),
        migrations.AlterField(
            model_name="supervisionlink",
            name="request",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="links", to="portfolios.supervisionrequest"
            ),
        ),
    ]
