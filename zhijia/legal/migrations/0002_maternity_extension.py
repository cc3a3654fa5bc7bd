from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("legal", "0001_initial")]
    operations = [
        migrations.CreateModel(
            name="MaternityExtension",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("division_prefix", models.CharField(help_text="如 11 表示北京市", max_length=6, unique=True, verbose_name="行政区划代码前缀")),
                ("region", models.CharField(max_length=50, verbose_name="地区")),
                ("extra_days", models.PositiveSmallIntegerField(verbose_name="延长天数")),
                ("source", models.CharField(max_length=200, verbose_name="依据")),
            ],
            options={"verbose_name": "地方延长产假", "verbose_name_plural": "地方延长产假", "ordering": ["division_prefix"]},
        ),
    ]
