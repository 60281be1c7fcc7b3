"""UK geography loaded from OS Code-Point Open and GeoNames by ``import_geography``.

Postcodes, sectors, outcodes and places are replaced wholesale by each import, so nothing keeps a
foreign key to them: venues copy the coordinates they need when saved. Districts are updated in
place, so boroughs can be referred to.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.Model):
    """A local authority district; the 33 London boroughs have codes starting E09."""

    code = models.CharField(_("code"), max_length=9, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    is_london_borough = models.BooleanField(_("London borough"), default=False, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")

    def __str__(self):
        return self.name

    @classmethod
    def is_london(cls, code: str) -> bool:
        """Whether ``code`` is one of the London boroughs (the finder's area; searches outside it are refused)."""
        return bool(code) and cls.objects.filter(code=code, is_london_borough=True).exists()


class PostcodeArea(models.Model):
    """Fields shared by outcodes and sectors: centroids of their unit postcodes."""

    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    postcode_count = models.PositiveIntegerField(_("unit postcodes"), default=0)
    district_code = models.CharField(_("main district code"), max_length=9, blank=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return self.code


class Outcode(PostcodeArea):
    """A postcode district ("E1", "SW1A"): the part of a postcode before the space."""

    code = models.CharField(_("outcode"), max_length=4, primary_key=True)

    class Meta(PostcodeArea.Meta):
        verbose_name = _("postcode district")


class Sector(PostcodeArea):
    """A postcode sector ("E1 6"): the outcode and the first digit of the inward code."""

    code = models.CharField(_("sector"), max_length=6, primary_key=True)

    class Meta(PostcodeArea.Meta):
        verbose_name = _("postcode sector")


class Postcode(models.Model):
    """A live unit postcode, stored upper case with one space ("E1 6AN")."""

    postcode = models.CharField(_("postcode"), max_length=8, primary_key=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    district_code = models.CharField(_("district code"), max_length=9, blank=True)

    class Meta:
        verbose_name = _("postcode")

    def __str__(self):
        return self.postcode


class Place(models.Model):
    """A named place in Greater London ("Peckham"), looked up by its normalised name."""

    name = models.CharField(_("name"), max_length=100)
    lookup_key = models.CharField(max_length=100, db_index=True)
    outcode = models.CharField(_("outcode"), max_length=4)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        ordering = ["name", "outcode"]
        verbose_name = _("place")
        constraints = [models.UniqueConstraint(fields=["lookup_key", "outcode"], name="unique_place_per_outcode")]

    def __str__(self):
        return f"{self.name} ({self.outcode})"


class GeocodeCacheEntry(models.Model):
    """A remote geocoder's answer, kept so each query is sent at most once."""

    query = models.CharField(max_length=200, primary_key=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    address = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("geocoder cache entry")
        verbose_name_plural = _("geocoder cache entries")

    def __str__(self):
        return self.query
