"""(being written)"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def respond_start(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def respond_page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def respond_done(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def staff_surveys(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def staff_survey_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def staff_survey(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def staff_survey_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def staff_sample_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def staff_sample_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def staff_section_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def staff_section_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def staff_question_new(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def staff_question_edit(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def staff_weighting(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404


def staff_run(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    raise Http404
