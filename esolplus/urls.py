from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from two_factor.urls import urlpatterns as two_factor_urls
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from esolplus import two_factor, views

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
    path("i18n/setlang/", set_language, name="set_language"),
    path("about/data/", views.data_sources, name="data_sources"),
    path("favicon.ico", views.favicon),
    path("find/", include("finder.search.urls")),
    path("openreferral/", include("finder.openreferral.urls")),
    path("evaluation/", include("evaluation.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
