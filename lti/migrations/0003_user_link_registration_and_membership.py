"""User links belong to a registration (not an issuer); memberships say which LMS course a person is in."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lti", "0002_beat_schedule"),
    ]

    operations = [
        migrations.AddField(
            model_name="ltiuserlink",
            name="platform",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="user_links", to="lti.ltiplatform"
            ),
        ),
        migrations.AddField(
            model_name="ltiuserlink",
            name="owns_account",
            field=models.BooleanField(
                default=False,
                help_text="Only then do launches and rosters keep its names and e-mail in step with the LMS.",
                verbose_name="account created by this LMS",
            ),
        ),
        migrations.AddField(
            model_name="ltiuserlink",
            name="claimed_email",
            field=models.CharField(
                blank=True, max_length=254, verbose_name="e-mail given by the LMS",
                help_text="Set when that address already belonged to another account: the instructor sees the duplicate.",
            ),
        ),
        migrations.AlterField(
            model_name="ltiscore",
            name="status",
            field=models.CharField(
                choices=[("pending", "Pending"), ("sent", "Sent"), ("failed", "Refused by the LMS")],
                default="pending", max_length=10, verbose_name="status",
            ),
        ),
        migrations.CreateModel(
            name="LtiMembership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("context", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="lti.lticontext")),
                ("user_link", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="lti.ltiuserlink")),
            ],
            options={
                "verbose_name": "LMS course member",
                "verbose_name_plural": "LMS course members",
                "constraints": [models.UniqueConstraint(fields=("context", "user_link"), name="lti_membership_unique")],
            },
        ),
    ]
