from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.generic import RedirectView
from two_factor.urls import urlpatterns as two_factor_urls
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from esolplus import languages, two_factor, views

# Staff areas, the API and technical addresses: one address each, never a language prefix.
urlpatterns = [
    # Second factor: django-two-factor-auth's pages under /account/two_factor/ (two_factor:profile, :setup,
    # :backup_tokens, :disable...). Listed first, so they win: the code page after Wagtail's login, and the views
    # adapted in esolplus.two_factor. Wagtail's /admin/login/ stays the one login page.
    path("account/two_factor/verify/", two_factor.VerifyView.as_view(), name="two_factor_verify"),
    path("account/two_factor/setup/", two_factor.SetupView.as_view()),
    path("account/two_factor/backup/tokens/", two_factor.BackupCodesView.as_view()),
    path("account/two_factor/disable/", two_factor.DisableView.as_view()),
    path("account/login/", RedirectView.as_view(pattern_name="wagtailadmin_login", query_string=True)),
    path("", include(two_factor_urls)),
    path("admin/", include("finder.cms.admin_urls")),  # Wagtail admin views scoped to the viewer's provider
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", languages.set_language, name="set_language"),  # for forms in old pages and caches
    path("favicon.ico", views.favicon),
    path("openreferral/", include("finder.openreferral.urls")),
    path("listing-check/", include("finder.cms.freshness_views")),  # a reminder's signed "still correct" link
    path("evaluation/", include("evaluation.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Learner pages: the language is in the address (/ar/find/, /ar/providers/...), English has no prefix.
# See esolplus.middleware.LanguageMiddleware for old links that chose the language with a cookie.
urlpatterns += i18n_patterns(
    path("about/data/", views.data_sources, name="data_sources"),
    path("find/", include("finder.search.urls")),
    path("assessments/", include("finder.search.assessment_urls")),
    path("survey/", include("evaluation.survey_link_urls")),
    path("", include(wagtail_urls)),  # the page tree: home, providers, classes, workplace offers
    prefix_default_language=False,
)
