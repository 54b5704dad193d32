"""Editors and Lead managers may open the "Articles and requests" report."""

from django.db import migrations

GROUPS = ("Editors", "Lead managers")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="insights", model="pageviewday")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_insights",
        defaults={"name": "Can see the Articles and requests report"},
    )
    for name in GROUPS:
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="insights", codename="view_insights").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("home", "0003_practice_groups"),
        ("leads", "0003_lead_managers_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
