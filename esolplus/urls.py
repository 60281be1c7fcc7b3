from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from esolplus import two_factor, views

urlpatterns = [
    path("account/two-factor/", two_factor.verify, name="two_factor_verify"),
    path("account/two-factor/setup/", two_factor.setup, name="two_factor_setup"),
    path("account/two-factor/remove/", two_factor.remove, name="two_factor_remove"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("about/data/", views.data_sources, name="data_sources"),
    path("find/", include("finder.search.urls")),
    path("openreferral/", include("finder.openreferral.urls")),
    path("evaluation/", include("evaluation.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
