"""Existing links go to the first registration of their issuer and keep their names/e-mail sync.

Before this change a link could only have come from one of those registrations,
and every link created its account. Memberships are filled from what is known
for sure: scores an LMS course accepted, and every enrolled linked person of a
registration that launched a single LMS course. Its own migration: PostgreSQL
runs a migration's deferred index and constraint statements at its end, which
it refuses on a table whose rows that same transaction just changed.
"""

from django.db import migrations


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
        ("lti", "0003_user_link_registration_and_membership"),
        ("courses", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
