"""Back office for the corpus: built-in statutes are read-only (reload them with `manage.py legal_load`);
local regulations and union policies are added here, by pasting the full text or article by article.
Every save bumps the corpus version, so the search index includes the change on its next query."""

from django import forms
from django.contrib import admin
from django.db import transaction

from zhijia.core.admin import SuperuserAdmin

from .corpus import parse_law
from .models import Article, Law, LegalQuery
from .services import corpus_bump


class ArticleInline(admin.StackedInline):
    model = Article
    extra = 0
    fields = ["label", "number", "chapter", "text", "order"]

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.builtin

    has_add_permission = has_delete_permission = has_change_permission


class LawForm(forms.ModelForm):
    full_text = forms.CharField(
        label="全文（可选）", required=False, widget=forms.Textarea(attrs={"rows": 12}),
        help_text="粘贴全文，每条以“第X条”开头，章节标题以“## ”开头；保存后按条拆分，替换已有条文。",
    )

    class Meta:
        model = Law
        fields = ["title", "short_title", "kind", "effective_date", "division_code", "union", "source", "active"]

    def clean_full_text(self):
        text = self.cleaned_data["full_text"].strip()
        if text:
            parsed = parse_law(f"# {self.cleaned_data.get('title') or '文件'}\n<!-- INFO END -->\n{text}")
            if not parsed.articles:
                raise forms.ValidationError("没有识别出条文：每条应以“第X条”开头")
            self.parsed = parsed
        return text


@admin.register(Law)
class LawAdmin(SuperuserAdmin):
    form = LawForm
    list_display = ["short_title", "kind", "effective_date", "division_code", "builtin", "active"]
    list_filter = ["kind", "builtin", "active"]
    search_fields = ["title", "short_title"]
    raw_id_fields = ["union"]
    inlines = [ArticleInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.builtin:
            return ["title", "short_title", "kind", "effective_date", "division_code", "union", "source"]
        return []

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.builtin)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        parsed = getattr(form, "parsed", None)
        if parsed is not None:
            law = form.instance
            with transaction.atomic():
                law.articles.all().delete()
                Article.objects.bulk_create([
                    Article(law=law, label=a.label, number=a.number, part=a.part, chapter=a.chapter,
                            section=a.section, text=a.text, order=a.order)
                    for a in parsed.articles
                ])
                corpus_bump()


@admin.register(LegalQuery)
class LegalQueryAdmin(SuperuserAdmin):
    list_display = ["created_at", "question", "answer_mode", "helpful", "ticket"]
    list_filter = ["helpful", "answer_mode"]
    search_fields = ["question"]
    readonly_fields = ["question", "user", "article_ids", "answer_mode", "helpful", "comment", "ticket", "created_at"]

    def has_add_permission(self, request):
        return False
