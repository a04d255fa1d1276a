"""User links belong to a registration (not an issuer); memberships say which LMS course a person is in.

Existing links go to the first registration of their issuer (before this
change a link could only have come from one of them) and keep the names/e-mail
sync they had (they created their accounts). Memberships are filled from what
is known for sure: scores an LMS course accepted, and every enrolled linked
person of a registration that launched a single LMS course.
"""

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    LtiPlatform = apps.get_model("lti", "LtiPlatform")
    LtiUserLink = apps.get_model("lti", "LtiUserLink")
    LtiContext = apps.get_model("lti", "LtiContext")
    LtiScore = apps.get_model("lti", "LtiScore")
    LtiMembership = apps.get_model("lti", "LtiMembership")
    Enrollment = apps.get_model("courses", "Enrollment")

    first_by_issuer = {}
    for platform in LtiPlatform.objects.order_by("pk"):
        first_by_issuer.setdefault(platform.issuer, platform.pk)
    for link in LtiUserLink.objects.all():
        platform_id = first_by_issuer.get(link.issuer)
        if platform_id is None:
            link.delete()  # its registration is gone: nothing can launch through it any more
            continue
        link.platform_id = platform_id
        link.owns_account = True
        link.save(update_fields=["platform", "owns_account"])

    pairs = set(LtiScore.objects.filter(status="sent").values_list("context_id", "user_link_id"))
    for platform_id in set(first_by_issuer.values()):
        contexts = list(LtiContext.objects.filter(platform_id=platform_id)[:2])
        if len(contexts) != 1:
            continue
        enrolled = Enrollment.objects.filter(course_id=contexts[0].course_id).values_list("user_id", flat=True)
        for link_id in LtiUserLink.objects.filter(platform_id=platform_id, user_id__in=enrolled).values_list("pk", flat=True):
            pairs.add((contexts[0].pk, link_id))
    LtiMembership.objects.bulk_create(
        [LtiMembership(context_id=c, user_link_id=u) for c, u in pairs], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("lti", "0002_beat_schedule"),
        ("courses", "0001_initial"),
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
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
