"""Supporting documents: 录取通知书 and 医疗票据 of an application, 诊断证明, 收入证明 and 低保证 of a hardship file."""

import uuid

from django.db import models
from django.db.models import Q

from .campaigns import Application
from .files import HardshipFile


def document_path(instance, filename):
    # A random folder per upload: the stored name is never guessable from the owner's number alone.
    owner = instance.application or instance.hardship_file
    return f"aid/{owner.number}/{uuid.uuid4().hex[:16]}/{filename}"


class AidDocument(models.Model):
    """An image or PDF attached to an application or to a hardship file (exactly one of them); its type was
    checked from its bytes, not its name. Only people who may see the owner may fetch it (through the aid
    pages, never a public URL)."""

    id = models.BigAutoField(primary_key=True)
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="documents")
    # `file` is the stored upload itself, so the file it supports is `hardship_file` (as on Application).
    hardship_file = models.ForeignKey(HardshipFile, null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="documents", verbose_name="困难职工档案")
    file = models.FileField(upload_to=document_path, max_length=300)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "帮扶证明材料"
        verbose_name_plural = "帮扶证明材料"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False, hardship_file__isnull=True)
                | Q(application__isnull=True, hardship_file__isnull=False),
                name="aid_document_one_owner",
            ),
        ]

    def __str__(self):
        return self.name
