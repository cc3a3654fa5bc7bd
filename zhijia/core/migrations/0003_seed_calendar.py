from django.db import migrations


def seed(apps, schema_editor):
    from zhijia.core.calendar_seed import seed_calendar

    seed_calendar(apps.get_model("core", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar_day")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
