"""Typed SQLAlchemy 2 models, a module per area (base, activities, volunteers, families, archives,
inspection, plans, system). Every table carries created/updated times (TimestampMixin) unless it is an append-only log.
`from huiquan_desk.storage.models import Activity` keeps working: everything is re-exported here,
and importing this package registers every table with `Base.metadata` (Alembic reads it)."""

from huiquan_desk.storage.models.activities import Activity, Attachment, Category
from huiquan_desk.storage.models.archives import (
    ArchiveBox,
    ArchiveFile,
    ArchiveItem,
    DestructionDecision,
    DestructionRound,
    FixityCheck,
    NumberGap,
)
from huiquan_desk.storage.models.base import NAMING, Base, TimestampMixin, now
from huiquan_desk.storage.models.families import (
    Ballot,
    Campaign,
    CampaignActivity,
    Household,
    HouseholdMember,
    Nomination,
    Objection,
    Reviewer,
    Score,
)
from huiquan_desk.storage.models.inspection import (
    ChecklistItem,
    ManualAssessment,
    Rectification,
    RectificationPhoto,
)
from huiquan_desk.storage.models.plans import Plan, PlanPhase, PlanSection, PlanTask, PlanTaskLink
from huiquan_desk.storage.models.system import AuditEntry, RecycledItem, Setting, User
from huiquan_desk.storage.models.volunteers import (
    Certificate,
    Commendation,
    Evaluation,
    ServiceRecord,
    Team,
    Training,
    Volunteer,
)

__all__ = ["NAMING", "Activity", "ArchiveBox", "ArchiveFile", "ArchiveItem", "Attachment", "AuditEntry", "Ballot", "Base", "Campaign", "CampaignActivity",
           "Category", "Certificate", "ChecklistItem", "Commendation", "DestructionDecision", "DestructionRound", "Evaluation", "FixityCheck", "Household", "HouseholdMember", "ManualAssessment", "Nomination", "NumberGap",
           "Objection", "Plan", "PlanPhase", "PlanSection", "PlanTask", "PlanTaskLink", "RecycledItem", "Rectification", "RectificationPhoto", "Reviewer", "Score", "ServiceRecord", "Setting", "Team", "TimestampMixin",
           "Training", "User", "Volunteer", "now"]
