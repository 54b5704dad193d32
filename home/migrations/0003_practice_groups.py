"""Groups that match a practice, extending the "Editors" and "Moderators" groups Wagtail creates.

Editors write and publish pages (articles included), and manage authors, categories, calls to
action, images, documents and redirects. Moderators can do all of that, and they are the group
that approves in Wagtail's default workflow ("Moderators approval"). "Lead managers" (leads 0003)
see leads only. Users, groups, sites, workflows and every setting (practice settings,
notification settings) stay with superusers: no group is given a permission on them.
"""

from django.db import migrations

GROUPS = ("Editors", "Moderators")
MODEL_PERMISSIONS = {
    ("blog", "author"): ("add", "change", "delete", "view"),
    ("blog", "blogcategory"): ("add", "change", "delete", "view"),
    ("home", "calltoaction"): ("add", "change", "delete", "view"),
    ("wagtailredirects", "redirect"): ("add", "change", "delete"),
}
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ("add", "change", "delete", "choose"),
    ("wagtaildocs", "document"): ("add", "change", "delete", "choose"),
}


def _permission(apps, app_label: str, model: str, codename: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    return Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"Can {codename.replace('_', ' ')}"},
    )[0]


def extend_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    model_permissions = [
        _permission(apps, app_label, model, f"{action}_{model}")
        for (app_label, model), actions in MODEL_PERMISSIONS.items()
        for action in actions
    ]
    model_permissions.append(_permission(apps, "wagtailadmin", "admin", "access_admin"))
    page_permissions = [_permission(apps, "wagtailcore", "page", name) for name in PAGE_PERMISSIONS]
    collection_permissions = [
        _permission(apps, app_label, model, f"{action}_{model}")
        for (app_label, model), actions in COLLECTION_PERMISSIONS.items()
        for action in actions
    ]
    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()

    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*model_permissions)
        if root_page is not None:
            for permission in page_permissions:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=permission
                )
        if root_collection is not None:
            for permission in collection_permissions:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )


def narrow_groups(apps, schema_editor):
    """Take back what this migration added beyond Wagtail's own grants."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    codenames = [
        f"{action}_{model}"
        for (_, model), actions in MODEL_PERMISSIONS.items()
        for action in actions
    ]
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*Permission.objects.filter(codename__in=codenames))
    GroupPagePermission.objects.filter(
        group__name="Editors",
        permission__codename__in=["publish_page", "lock_page", "unlock_page"],
    ).delete()
    GroupCollectionPermission.objects.filter(
        group__name__in=GROUPS, permission__codename__in=["delete_image", "delete_document"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_practice_pages_cta_settings"),
        ("blog", "0001_articles_authors_categories"),
        ("leads", "0003_lead_managers_group"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(extend_groups, narrow_groups)]
