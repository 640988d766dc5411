from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0003_copy_notifications_to_the_kit"),
    ]

    operations = [
        migrations.DeleteModel(
            name="Notification",
        ),
    ]
