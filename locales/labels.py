"""Labels both presentations show (the bot in handlers/, the dashboard in web/): codes stored in the database
(delivery, approval, ranks, positions, request statuses) and the preset reasons for refusing a request."""
from __future__ import annotations

from locales.i18n import N_, Translator

DELIVERY = {
    "face_to_face": N_("Face to face"),
    "online": N_("Online (live)"),
    "blended": N_("Blended"),
    "elearning": N_("E-learning (any time)"),
}

APPROVAL = {
    "auto": N_("Confirmed automatically while seats last"),
    "staff": N_("Confirmed by HRD Center staff"),
}


def label(table: dict[str, str], code: str | None, tr: Translator) -> str:
    return tr(table[code]) if code in table else (code or "")


# The report's category names (data, in Korean) as English readers see them; a category staff import later
# without an entry here is shown as it is.
CATEGORY_EN = {
    "일반교육": "Classroom & live training", "e-러닝": "E-learning", "기본역량": "Basic competencies",
    "리더십역량": "Leadership", "직무역량": "Job skills", "공공역량": "Public service skills", "개인학습": "Self-study",
    "핵심가치": "Core values", "인문소양": "Humanities", "신규임용": "New employees", "직위": "By position",
    "직급": "By grade", "공통": "Common", "전문": "Specialised", "IT": "IT", "실무관": "Practical officers",
    "자격증": "Certificates", "외국어": "Foreign languages", "u-지식여행": "u-Knowledge Journey",
    "미래인재": "Future talent", "퇴직 후 인생설계": "Life after retirement", "국제연수": "International training",
    "역량평가": "Competency assessment", "이해과정": "Preparation course", "자기계발": "Self-development",
}


def category_path(category: str, tr: Translator | None = None) -> str:
    parts = [part for part in category.split("/") if part]
    if tr is not None and tr.lang == "en":
        parts = [CATEGORY_EN.get(part, part) for part in parts]
    return " › ".join(parts)


RANK_LABELS = {
    "9급": N_("Grade 9"), "8급": N_("Grade 8"), "7급": N_("Grade 7"), "6급": N_("Grade 6"), "5급": N_("Grade 5"),
    "4급": N_("Grade 4"), "3급": N_("Grade 3"), "임기제": N_("Fixed-term official (임기제)"),
    "공무직": N_("Public service worker (공무직)"), "전문경력관": N_("Specialist official (전문경력관)"),
}
POSITION_LABELS = {"과장": N_("Division head (과장)"), "팀장": N_("Team leader (팀장)")}


def rank_label(rank: str | None, tr: Translator) -> str:
    if not rank:
        return "–"
    return tr(RANK_LABELS[rank]) if rank in RANK_LABELS else rank


def position_label(position: str | None, tr: Translator) -> str:
    if not position:
        return tr("no position as 과장 or 팀장")
    return tr(POSITION_LABELS[position]) if position in POSITION_LABELS else position


STATUS = {
    "pending": N_("⏳ awaiting staff approval (seat held)"),
    "confirmed": N_("✅ confirmed"),
    "rejected": N_("❌ not approved"),
    "cancelled": N_("cancelled"),
    "completed": N_("🎓 completed"),
    "no_show": N_("did not attend"),
    "ended": N_("🏁 ended (completion not recorded yet)"),
}

# Preset reasons a staff member can pick with one press (stored as the English text, shown translated).
REJECT_REASONS = (
    N_("The course is for another target group"),
    N_("Your department has used its seats for this cohort"),
    N_("Please apply for a later cohort"),
)

BROADCAST_STATUS = {
    "draft": N_("draft"), "scheduled": N_("scheduled"), "sending": N_("sending"), "done": N_("done"),
    "cancelled": N_("cancelled"),
}


def cohort_no(number: int, tr: Translator, year: int | None = None) -> str:
    """A cohort's name: "#1" (ko "1회"), or with its plan year ("2023 #1", ko "2023년 1회") where cohorts of
    several plan years are shown together (two "#1" would otherwise read the same)."""
    return tr("{year} #{number}", year=year, number=number) if year else tr("#{number}", number=number)


def shown_year(cohort, shown) -> int | None:
    """The cohort's plan year when the cohorts shown with it belong to more than one year, else None."""
    return cohort.year if len({c.year for c in shown}) > 1 else None
