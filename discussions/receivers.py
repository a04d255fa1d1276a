"""What discussions add to the pages of the apps below them. Connected in `DiscussionsConfig.ready`."""

from django.dispatch import receiver

from lessons.signals import lesson_page_requested

# The lesson page shows the most recent threads; the discussion page has them all, paginated.
LESSON_PAGE_THREADS = 10


@receiver(lesson_page_requested, dispatch_uid="discussions.lesson_page")
def threads_on_lesson_page(sender, *, lesson, user, is_staff, **kwargs):
    from discussions.selectors import lesson_threads

    return {"threads": lesson_threads(lesson=lesson, user=user, is_staff=is_staff)[:LESSON_PAGE_THREADS]}
