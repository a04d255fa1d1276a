"""A user link is unique per registration (platform, sub), no longer per issuer; every link now has its registration."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lti", "0004_user_link_registration_data")]

    operations = [
        migrations.RemoveConstraint(model_name="ltiuserlink", name="lti_user_link_unique"),
        migrations.AlterField(
            model_name="ltiuserlink",
            name="platform",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="user_links", to="lti.ltiplatform"),
        ),
        migrations.AddConstraint(
            model_name="ltiuserlink",
            constraint=models.UniqueConstraint(fields=("platform", "sub"), name="lti_user_link_unique_per_registration"),
        ),
    ]
