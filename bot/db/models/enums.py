"""Enumerations stored in the case database (as strings, checked)."""
import enum


class Need(str, enum.Enum):
    """The nine pathways to offending: the service's needs taxonomy."""

    ACCOMMODATION = "accommodation"
    EDUCATION_EMPLOYMENT = "education_training_employment"
    HEALTH = "health"  # includes mental health
    DRUGS_ALCOHOL = "drugs_alcohol"
    FINANCE = "finance_benefit_debt"
    CHILDREN_FAMILIES = "children_families"
    ATTITUDES = "attitudes_thinking_behaviour"
    ABUSE = "abuse_domestic_violence"
    SEX_WORK = "sex_work"


class Pathway(str, enum.Enum):
    SELF = "self"
    POLICE_CAUTION = "police_caution"


class ReferralStatus(str, enum.Enum):
    SUBMITTED = "submitted"
    ASSESSMENT = "assessment"
    ACTIVE = "active"
    CLOSED = "closed"


class AlertReason(str, enum.Enum):
    CRISIS = "crisis"
    HUMAN_REQUESTED = "human_requested"
    BOT_STUCK = "bot_stuck"
    MISSED_APPOINTMENT = "missed_appointment"
    UNDELIVERED = "undelivered"
    NO_SLOT = "no_slot_before_deadline"
    OUT_OF_COVERAGE = "out_of_coverage"
    DISTRESS = "distress"
    CAUTION_DEADLINE = "caution_deadline_near"


class AlertUrgency(str, enum.Enum):
    URGENT = "urgent"
    NORMAL = "normal"


class AlertStatus(str, enum.Enum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class StaffRole(str, enum.Enum):
    KEYWORKER = "keyworker"
    ADMIN = "admin"


class OutboxStatus(str, enum.Enum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    CANCELLED = "cancelled"
