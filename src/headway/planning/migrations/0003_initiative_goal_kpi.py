# Ideas link to the strategy area's goal and KPI rows (step 1 of 3: add the links beside the old text references).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('planning', '0002_initiative_duration'),
        ('strategy', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='initiative',
            name='goal',
            field=models.ForeignKey(blank=True, help_text="The goal it serves (a goal of this workspace's strategy).", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='strategy.goal'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='kpi',
            field=models.ForeignKey(blank=True, help_text='The KPI it should move; ``expected_impact`` says by how much.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='strategy.kpi'),
        ),
    ]
