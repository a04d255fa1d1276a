"""The gradebook follows the other apps' writes (announced through `courses.signals`), inside their
transaction, so the kept standings never lag behind a commit. Connected in `GradebookConfig.ready`."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from courses.models import Course, Enrollment
from courses.signals import activity_recorded, class_frame_changed, work_changed
from gradebook import standings
from gradebook.models import Standing

NAME_FIELDS = {"first_name", "last_name", "username", "email"}


@receiver(work_changed, dispatch_uid="gradebook.standings.work_changed")
def refresh_after_work(sender, *, course_id, lesson_id, user_ids, **kwargs):
    if course_id is not None:
        standings.standings_refresh(course=Course.objects.get(pk=course_id), user_ids=list(user_ids))
    else:
        standings.standings_refresh_for_lesson(lesson_id=lesson_id, user_ids=list(user_ids))


@receiver(class_frame_changed, dispatch_uid="gradebook.standings.class_frame_changed")
def queue_class_refresh(sender, *, course_id, **kwargs):
    standings.standings_class_refresh_queue(course_id=course_id)


@receiver(activity_recorded, dispatch_uid="gradebook.standings.activity_recorded")
def touch_after_activity(sender, *, user_id, at, lesson_id=None, **kwargs):
    standings.standing_touch(user_id=user_id, at=at, lesson_id=lesson_id)


@receiver(user_logged_in, dispatch_uid="gradebook.standings.login")
def touch_after_login(sender, *, user, **kwargs):
    # Django's own receiver has set last_login already (auth is installed before the gradebook).
    if user.last_login is not None:
        standings.standing_touch(user_id=user.pk, at=user.last_login)


@receiver(post_save, sender=Enrollment, dispatch_uid="gradebook.standings.enrollment")
def refresh_after_enrolment(sender, *, instance, raw=False, **kwargs):
    # Any enrolment saved one by one (services, admin, fixtures aside): a new student gets a standing, a
    # student made assistant loses it, a change of group shows at once.
    if raw:
        return
    if instance.role == Enrollment.Role.STUDENT:
        standings.standings_refresh(course=instance.course, user_ids=[instance.user_id])
    else:
        Standing.objects.filter(enrollment=instance).delete()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="gradebook.standings.names")
def follow_name_change(sender, *, instance, created, update_fields=None, raw=False, **kwargs):
    if raw or created or (update_fields is not None and not NAME_FIELDS & set(update_fields)):
        return
    standings.standings_names_update(user=instance)
