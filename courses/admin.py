from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import Course, Enrollment
from courses.services import enrollments_bulk_create_from_csv


def courses_taught_by(user):
    """Courses an admin user may manage: all for superusers, those they teach otherwise."""
    if user.is_superuser:
        return Course.objects.all()
    return Course.objects.filter(enrollments__user=user, enrollments__role=Enrollment.Role.INSTRUCTOR)


class TaughtCourseAdminMixin:
    """Limits an admin to the courses the instructor teaches; `course_lookup` points from the model to its course."""

    course_lookup = "course"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.course_lookup}__in": courses_taught_by(request.user)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "course":
            kwargs["queryset"] = courses_taught_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    autocomplete_fields = ["user"]


class BulkEnrollmentForm(forms.Form):
    csv_file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("One person a line: e-mail, first name, last name, group (only the e-mail is required)."),
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Enrollment.Role.choices, initial=Enrollment.Role.STUDENT)


@admin.register(Course)
class CourseAdmin(TaughtCourseAdminMixin, admin.ModelAdmin):
    course_lookup = "pk"
    list_display = ("title", "slug", "starts_on", "ends_on")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [EnrollmentInline]
    change_form_template = "admin/courses/course/change_form.html"

    def get_urls(self):
        return [
            path(
                "<int:course_id>/bulk-enrol/",
                self.admin_site.admin_view(self.bulk_enrol_view),
                name="courses_course_bulk_enrol",
            ),
            *super().get_urls(),
        ]

    def bulk_enrol_view(self, request, course_id):
        course = get_object_or_404(self.get_queryset(request), pk=course_id)
        if not self.has_change_permission(request, course):
            raise PermissionDenied
        form = BulkEnrollmentForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            raw = form.cleaned_data["csv_file"].read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                form.add_error("csv_file", _("The file is not UTF-8 text."))
            else:
                try:
                    result = enrollments_bulk_create_from_csv(
                        course=course, csv_text=text, role=form.cleaned_data["role"]
                    )
                except ValidationError as exc:
                    for message in exc.messages:
                        form.add_error("csv_file", message)
                else:
                    messages.success(
                        request,
                        _("%(enrolled)d people enrolled (%(accounts)d new accounts); %(already)d were already enrolled.")
                        % {
                            "enrolled": result.created_enrollments,
                            "accounts": result.created_users,
                            "already": result.already_enrolled,
                        },
                    )
                    return redirect(reverse("admin:courses_course_change", args=[course.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enrol from a CSV file"),
            "course": course,
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "admin/courses/course/bulk_enrol.html", context)


@admin.register(Enrollment)
class EnrollmentAdmin(TaughtCourseAdminMixin, admin.ModelAdmin):
    list_display = ("user", "course", "role", "group", "created_at")
    list_filter = ("course", "role", "group")
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    autocomplete_fields = ["user"]
