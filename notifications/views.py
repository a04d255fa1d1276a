from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from notifications.selectors import recent_notifications
from notifications.services import notifications_mark_read


@login_required
def notification_list(request):
    return render(request, "notifications/list.html", {"notifications": recent_notifications(user=request.user)})


@login_required
@require_POST
def notifications_read(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications:list")
