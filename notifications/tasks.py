from celery import shared_task

from notifications.services import notifications_deliver_pending


@shared_task(name="notifications.deliver_pending", ignore_result=True)
def deliver_pending_notifications() -> int:
    return notifications_deliver_pending()
