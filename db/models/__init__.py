"""All models, imported here so that `Base.metadata` knows every table."""
from db.models.audit import AuditEntry
from db.models.base import Base, Moment
from db.models.catalog import Cohort, Course, CourseReminder, Enrollment, PlanYear, TopicSubscription
from db.models.exams import ExamEvent, ExamRound, ExamSubscription, InterviewSlot, Reminder
from db.models.outbox import OUTBOX_STATES, Broadcast, OutboxMessage, SendRate
from db.models.users import NotificationChoice, Profile, User
from db.models.web import SignInLink, WebSession

__all__ = [
    "Base", "Moment", "User", "Profile", "Course", "Cohort", "PlanYear", "CourseReminder", "NotificationChoice",
    "Enrollment", "TopicSubscription",
    "ExamRound", "ExamEvent", "ExamSubscription", "InterviewSlot", "Reminder",
    "OutboxMessage", "Broadcast", "SendRate", "OUTBOX_STATES", "AuditEntry", "SignInLink", "WebSession",
]
