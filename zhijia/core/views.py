from django.shortcuts import render

from .clouds import SERVICE_AREAS


def home(request):
    return render(request, "core/home.html", {"areas": SERVICE_AREAS})
