from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from courses.selectors import courses_for_user


@login_required
def my_courses(request):
    return render(request, "courses/my_courses.html", {"enrollments": courses_for_user(user=request.user)})
