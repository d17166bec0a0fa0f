"""All models, imported so `Base.metadata` knows every table."""
from bot.db.models.alerts import Alert
from bot.db.models.case_notes import CaseNote  # noqa: F401
from bot.db.models.appointments import Appointment, AppointmentKind, AppointmentMessage, AppointmentSlot, AppointmentStatus  # noqa: F401
from bot.db.models.directory import DirHolidaySchedule, DirLocation, DirOrganisation, DirPhone, DirSchedule, DirService, DirServiceAtLocation, DirServiceCategory  # noqa: F401
from bot.db.models.enums import (
    AlertReason,
    AlertStatus,
    AlertUrgency,
    Need,
    OutboxStatus,
    Pathway,
    ReferralStatus,
    StaffRole,
)
from bot.db.models.knowledge import KnowledgeAnswer, KnowledgeAnswerVersion, KnowledgePolice, KnowledgeTranslation  # noqa: F401
from bot.db.models.messaging import OutboxMessage
from bot.db.models.outcomes import OutcomeArea, OutcomeInstrument, OutcomeReading, ReadingSource, ReadingStage  # noqa: F401
from bot.db.models.pending_imports import PendingImport  # noqa: F401
from bot.db.models.people import Consent, Conversation, Woman
from bot.db.models.privacy import TrackerErasure  # noqa: F401
from bot.db.models.referrals import CoverageBorough, HandoffContact, Referral, ReferralNeed
from bot.db.models.sms import SmsDeliveryEvent, SmsInbound, SmsOptionSet, SmsOptOut  # noqa: F401
from bot.db.models.staff import AuditLog, Centre, Staff
from bot.db.models.staff_app import Handoff, StaffSession  # noqa: F401
from bot.db.models.support import Activity, ActivityBooking, SupportInvitation, SurveyResponse  # noqa: F401
from bot.db.models.wording import WordingCorrection  # noqa: F401

__all__ = [
    "Alert", "AlertReason", "AlertStatus", "AlertUrgency", "AuditLog", "Centre",
    "Consent", "Conversation", "CoverageBorough", "HandoffContact", "KnowledgeAnswer", "KnowledgeAnswerVersion",
    "KnowledgePolice", "Need", "OutboxMessage",
    "OutboxStatus", "Pathway", "Referral", "ReferralNeed", "ReferralStatus",
    "Staff", "StaffRole", "Woman",
]
