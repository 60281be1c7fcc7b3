"""Learner-facing finder views (search, help me choose, workplace ESOL, enquiries)."""

from django.http import Http404


def find_classes(request):
    raise Http404


def help_me_choose(request):
    raise Http404


def find_workplace_offers(request):
    raise Http404


def enquire(request, class_id):
    raise Http404


def enquiry_sent(request, class_id):
    raise Http404
