"""Every save or delete of a vacancy or a seeker profile tells the matching indexes (MatchChange)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .matching import record_change
from .models import SeekerProfile, Vacancy


@receiver([post_save, post_delete], sender=Vacancy)
def vacancy_changed(sender, instance, **kwargs):
    record_change("vacancy", [instance.pk])


@receiver([post_save, post_delete], sender=SeekerProfile)
def seeker_changed(sender, instance, **kwargs):
    record_change("seeker", [instance.pk])
