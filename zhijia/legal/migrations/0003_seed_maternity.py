from django.db import migrations


def seed(apps, schema_editor):
    from zhijia.legal.seeds import seed_maternity

    seed_maternity(apps.get_model("legal", "MaternityExtension"))


class Migration(migrations.Migration):
    dependencies = [("legal", "0002_maternity_extension")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
