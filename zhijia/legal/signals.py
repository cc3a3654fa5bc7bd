"""Edits made in the back office (local regulations, union policies) bump the corpus version so the
search index picks them up; the bulk loader bumps once itself."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Article, Law


@receiver([post_save, post_delete], sender=Law)
@receiver([post_save, post_delete], sender=Article)
def corpus_changed(sender, **kwargs):
    if kwargs.get("raw"):
        return
    from .services import corpus_bump

    corpus_bump()
