from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class HomePage(Page):
    """The site's front page: a postcode search box first, for learners on a phone."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["finder.ProviderIndexPage"]
    max_count = 1
    template = "pages/home_page.html"

    class Meta:
        verbose_name = _("home page")


class FailedJob(models.Model):
    """A background job that finally failed (retries used up, or an error no retry can fix), kept so that
    coordinators see it (Reports > Failed jobs) and can try it again. Its arguments are ids, never personal data."""

    task_path = models.CharField(max_length=255)
    task_id = models.CharField(max_length=64, blank=True)
    arguments = models.JSONField(default=dict, help_text="args and kwargs, to try the job again")
    error = models.CharField(max_length=500)
    traceback = models.TextField(blank=True)
    failed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    retried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-failed_at"]
        verbose_name = "failed job"  # staff only: not in the learners' catalogues

    def __str__(self):
        return f"{self.task_path} ({self.failed_at:%Y-%m-%d %H:%M})"


class Notification(models.Model):
    """One email or SMS, written in the same transaction as what caused it and sent by a background job: the outbox.

    Its ``key`` makes sending idempotent: a job run twice (a retry, a worker killed mid-job and recovered, a
    double-submitted form) finds it sent and sends nothing. The content is dropped once it is sent.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "email"
        SMS = "sms", "SMS"

    key = models.CharField(max_length=200, unique=True)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    recipient = models.CharField(max_length=320)
    template = models.CharField(max_length=100)
    context = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "notification"

    def __str__(self):
        return f"{self.template} ({self.channel}, {self.created_at:%Y-%m-%d %H:%M})"
