from django.db import migrations


def seed(apps, schema_editor):
    from zhijia.cases.deadlines import DEFAULT_DAYS

    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    for (complexity, step), days in DEFAULT_DAYS.items():
        DeadlineRule.objects.get_or_create(complexity=complexity, step=step, defaults={"working_days": days})
    WarningSettings = apps.get_model("cases", "WarningSettings")
    if not WarningSettings.objects.exists():
        WarningSettings.objects.create()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
