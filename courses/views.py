from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from courses.models import Enrollment
from courses.selectors import courses_for_user
from courses.signals import student_todo


@login_required
def my_courses(request):
    """The user's courses; in each course they study, their « À faire » (what is late first)."""
    enrollments = list(courses_for_user(user=request.user))
    studied = [e.course_id for e in enrollments if e.role == Enrollment.Role.STUDENT]
    todo = student_todo(user_id=request.user.pk, course_ids=studied, now=timezone.now())
    rows = [{"enrollment": e, "todo": todo.get(e.course_id, [])} for e in enrollments]
    return render(request, "courses/my_courses.html", {"enrollments": enrollments, "rows": rows})
