from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from courses.selectors import course_access, courses_for_user
from lessons.selectors import course_progress


@login_required
def my_courses(request):
    return render(request, "courses/my_courses.html", {"enrollments": courses_for_user(user=request.user)})


@login_required
def course_detail(request, course):
    access = course_access(user=request.user, slug=course)
    progress = course_progress(course=access.course, user=request.user, published_only=not access.is_staff)
    return render(request, "courses/course_detail.html", {"access": access, "course": access.course, "progress": progress})

