"""The "Lead managers" group: the only non-superusers who can reach the Leads area."""

from django.db import migrations

GROUP_NAME = "Lead managers"
LEAD_PERMISSIONS = {
    "view_lead": "Can view lead",
    "change_lead": "Can change lead",
    "export_lead": "Can export consultation requests",
}


def create_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")

    lead_type, _ = ContentType.objects.get_or_create(app_label="leads", model="lead")
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    permissions = [
        Permission.objects.get_or_create(
            content_type=lead_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in LEAD_PERMISSIONS.items()
    ]
    permissions.append(
        Permission.objects.get_or_create(
            content_type=admin_type,
            codename="access_admin",
            defaults={"name": "Can access Wagtail admin"},
        )[0]
    )
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0002_notification_settings"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
