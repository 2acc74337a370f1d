# Step 3 of 3: the text references are replaced by the links (see 0004 for what was linked and what was not).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('planning', '0004_link_goal_and_kpi_refs'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='initiative',
            name='goal_ref',
        ),
        migrations.RemoveField(
            model_name='initiative',
            name='kpi_ref',
        ),
    ]
