import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.admin import SuperuserOnlyAdminMixin
from courses.models import AuditEntry, Course, Enrollment
from courses.services import enrollments_bulk_create_from_csv

__all__ = ["CourseScopedAdminMixin", "SuperuserOnlyAdminMixin", "TaughtCourseAdminMixin", "courses_taught_by"]


def courses_taught_by(user):
    """Courses an admin user may manage: all for superusers, those they teach otherwise."""
    if user.is_superuser:
        return Course.objects.all()
    return Course.objects.filter(enrollments__user=user, enrollments__role=Enrollment.Role.INSTRUCTOR)


def people_of_courses_taught_by(user):
    """The people an admin user may pick in a form: everyone for superusers, those enrolled in their courses otherwise."""
    people = get_user_model()._default_manager.all()
    if user.is_superuser:
        return people
    return people.filter(pk__in=Enrollment.objects.filter(course__in=courses_taught_by(user)).values("user_id"))


@functools.cache
def course_path(model) -> str | None:
    """The lookup from a model to its course ("pk" for a course), following foreign keys; None when there is none.

    Found from the models themselves, so a new model or foreign key is scoped without anyone remembering to.
    """
    if model is Course:
        return "pk"
    user_model = get_user_model()
    frontier = [(model, [])]
    for _depth in range(5):
        following = []
        for current, path in frontier:
            for field in current._meta.concrete_fields:
                related = field.related_model if field.is_relation else None
                if related is None or related is user_model or related is current:
                    continue
                if related is Course:
                    return "__".join([*path, field.name])
                following.append((related, [*path, field.name]))
        frontier = following
    return None


def rows_of_courses_taught_by(user, queryset):
    """`queryset` narrowed to the rows of the courses the user teaches (people: those enrolled in them).

    Returned unchanged for superusers and for models that belong to no course.
    """
    if user.is_superuser:
        return queryset
    if queryset.model is get_user_model():
        return queryset.filter(pk__in=people_of_courses_taught_by(user).values("pk"))
    path = course_path(queryset.model)
    if path is None:
        return queryset
    return queryset.filter(**{f"{path}__in": courses_taught_by(user)})


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def refuse_nul_in_json(value) -> None:
    # Text fields refuse NUL already (Django's ProhibitNullCharactersValidator); PostgreSQL refuses it in JSON too, with a 500.
    if _holds_nul(value):
        raise ValidationError(_("Null characters are not allowed."), code="null_characters_not_allowed")


class CourseScopedAdminMixin:
    """Every choice list of an admin form (and so every posted id) limited to the courses the user teaches.

    A ModelChoiceField refuses a value outside its queryset, so narrowing the
    queryset both hides other courses' lessons, quizzes and people and refuses a
    forged POST naming them. Used by model admins and their inlines.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(db_field, models.JSONField):
            formfield.validators.append(refuse_nul_in_json)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = rows_of_courses_taught_by(request.user, self._choices(db_field, request, kwargs))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = rows_of_courses_taught_by(request.user, self._choices(db_field, request, kwargs))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _choices(self, db_field, request, kwargs):
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self.get_field_queryset(None, db_field, request)
        return queryset if queryset is not None else db_field.remote_field.model._default_manager.all()

    def get_autocomplete_fields(self, request):
        # The autocomplete searches the user admin, which only superusers reach: others pick from a scoped list.
        return super().get_autocomplete_fields(request) if request.user.is_superuser else ()


class TaughtCourseAdminMixin(CourseScopedAdminMixin):
    """Limits an admin to the courses the instructor teaches; `course_lookup` points from the model to its course.

    Lists, change, delete and history pages and actions all go through `get_queryset`;
    forms through `CourseScopedAdminMixin`; `enrolled_user_fields` names the people
    fields that must be enrolled in the row's own course (a reading record of a
    student who is not in that course is refused).
    """

    course_lookup = "course"
    enrolled_user_fields: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.course_lookup}__in": courses_taught_by(request.user)})

    def get_list_filter(self, request):
        # A plain related filter lists every course of the site; this one lists only those of the rows shown.
        scoped = []
        for list_filter in super().get_list_filter(request):
            if isinstance(list_filter, str) and get_fields_from_path(self.model, list_filter)[-1].is_relation:
                list_filter = (list_filter, admin.RelatedOnlyFieldListFilter)
            scoped.append(list_filter)
        return scoped

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not self.enrolled_user_fields:
            return form
        course_lookup, people_fields = self.course_lookup, self.enrolled_user_fields

        class EnrolledPeopleForm(form):
            def clean(self):
                cleaned = super().clean()
                head, *rest = course_lookup.split("__")
                course = cleaned.get(head)
                for name in rest:
                    course = getattr(course, name, None)
                for name in people_fields:
                    person = cleaned.get(name)
                    if course is not None and person is not None and not Enrollment.objects.filter(course=course, user=person).exists():
                        self.add_error(name, _("This person is not enrolled in this course."))
                return cleaned

        return EnrolledPeopleForm


class EnrollmentInline(CourseScopedAdminMixin, admin.TabularInline):
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not request.user.is_superuser:
            # Scoped to the courses they teach, an instructor would otherwise lose sight of the course they just added.
            Enrollment.objects.update_or_create(
                course=form.instance, user=request.user, defaults={"role": Enrollment.Role.INSTRUCTOR}
            )

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
                        course=course, csv_text=text, role=form.cleaned_data["role"], invited_by=request.user
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
    list_display = ("user", "course", "role", "group", "extra_time_percent", "created_at")
    list_filter = ("course", "role", "group")
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    autocomplete_fields = ["user"]
    # An accommodation is set on the studio's people page, where it is audited and the student told.
    readonly_fields = ("extra_time_percent",)


class ReadOnlyAdminMixin:
    """For rows the services write (an audit trail, overrides): the admin shows them and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, TaughtCourseAdminMixin, admin.ModelAdmin):
    """The trail is written by the services (studio, overrides, moderation, grading)."""

    list_display = ("created_at", "course", "actor", "action", "target", "subject")
    list_filter = ("action",)
    search_fields = ("target", "subject__username", "subject__last_name")

