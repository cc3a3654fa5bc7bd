"""Seed the national default and a few regions' 低保 lines (illustrative figures: set real ones in the admin),
and on PostgreSQL make the ledger append-only in the database too, not only in the model."""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION aid_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '台账只能追加，更正请记一笔冲正';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER aid_ledger_no_update BEFORE UPDATE OR DELETE ON aid_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION aid_ledger_append_only();
"""
UNGUARD = """
DROP TRIGGER IF EXISTS aid_ledger_no_update ON aid_ledgerentry;
DROP FUNCTION IF EXISTS aid_ledger_append_only();
"""


def seed(apps, schema_editor):
    from zhijia.aid.region_seed import seed_regions

    seed_regions(apps.get_model("aid", "RegionRule"))


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD)


class Migration(migrations.Migration):
    dependencies = [("aid", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(guard, unguard),
    ]
