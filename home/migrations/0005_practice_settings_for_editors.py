"""Editors and Moderators may change the practice settings' fees, insurance, hours and location.

The rest of the settings (name, contact details, crisis notice, look, linked pages, search) is
behind `home.edit_practice_identity`, which no group holds: superusers only, as before.
"""

from django.db import migrations

GROUPS = ("Editors", "Moderators")


def _change_permission(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="home", model="practicesettings")
    return Permission.objects.get_or_create(
        content_type=content_type,
        codename="change_practicesettings",
        defaults={"name": "Can change Practice settings"},
    )[0]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permission = _change_permission(apps)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permission = _change_permission(apps)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [("home", "0004_practice_site")]

    operations = [
        migrations.AlterModelOptions(
            name="practicesettings",
            options={
                "permissions": [
                    (
                        "edit_practice_identity",
                        "Can edit the practice's name, contact details, crisis notice, look "
                        "and pages",
                    )
                ],
                "verbose_name": "Practice settings",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
