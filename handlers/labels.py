"""Translatable labels for codes stored in the database (delivery, status, event kinds…)."""
from __future__ import annotations

from locales import N_, Translator

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
