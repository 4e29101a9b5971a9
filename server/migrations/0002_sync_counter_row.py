from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("doorstep", "0001_initial")]

    operations = [
        ops.RunSQL(
            "INSERT INTO sync_counter (name, value) VALUES ('global', 0)",
            reverse_sql="DELETE FROM sync_counter WHERE name = 'global'",
        ),
    ]
