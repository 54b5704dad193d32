"""Demo content in our own words: the practice's home page and settings.

`manage.py load_demo_content` calls `load()` in each app's `demo` module, in INSTALLED_APPS order.
"""

from wagtail.models import Page, Site

from .models import HomePage, PracticeSettings

DEMO_PRACTICE = {
    "practice_name": "Willow Creek Counselling",
    "phone": "(408) 555-0142",
    "email": "hello@willowcreek.example",
    "crisis_notice": (
        "If you are in crisis or thinking about harming yourself, call or text 988 "
        "(Suicide & Crisis Lifeline), or call 911."
    ),
}

HOME_INTRO = (
    "<p>Couples and individual counselling in a calm, private setting. We help partners "
    "rebuild trust, talk without fighting and find their way back to each other.</p>"
)


def load_home() -> HomePage:
    """The home page at the site root, replacing Wagtail's placeholder welcome page."""
    root = Page.get_first_root_node()
    home = HomePage.objects.child_of(root).first()
    if home is None:
        placeholder = Page.objects.child_of(root).filter(slug="home").first()
        if placeholder is not None and placeholder.specific_class is Page:
            placeholder.delete()
        home = HomePage(title="Welcome", slug="home", intro=HOME_INTRO, seo_title="")
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True, root_page=home)
    site.root_page = home
    site.site_name = DEMO_PRACTICE["practice_name"]
    site.save()
    settings = PracticeSettings.for_site(site)
    if not settings.phone:
        for field, value in DEMO_PRACTICE.items():
            setattr(settings, field, value)
        settings.save()
    return home


def load() -> None:
    load_home()
